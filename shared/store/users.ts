/**
 * Users and workspaces: the user record (profile, home workspace and role; the single source of
 * membership), the e-mail guard (unique e-mails), and the workspace item with its billing settings and
 * its admin directory (`admins`: userId -> e-mail of the Owner and Admins, what every "notify the
 * deciders" step reads, kept in the same transactions as the role and e-mail changes it reflects).
 *
 * Access patterns:
 *   user by id                 GetItem (batched)          USER#<userId> / USER
 *   user by e-mail             GetItem of the guard       EMAIL#<email> / EMAIL   -> user by id
 *   workspace by id            GetItem (batched)          WS#<ws> / WORKSPACE
 *   members of a workspace     Query gsi1                 WS#<ws>#MEMBERS / <userId>
 */
import * as z from 'zod/mini';
import { BILLING_PLANS, WORKSPACE_ROLES, type UserRecord, type WorkspaceRecord, type WorkspaceRole } from '../domain/identity';
import { defineEntity } from './entity';
import { and, eq, exists, isIn, itemExists, itemIsNew, keyCondition, notExists, type AttributePath } from './expressions';
import { ENTITY, keys, normalizeEmail } from './keys';
import type { Loader } from './loader';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { nextVersion, versionIs } from './concurrency';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** Condition names of this repository's transaction items (what a failure handler is keyed by). */
export const USER_CONDITIONS = {
  /** PUT /me: no user with this id yet. */
  isNew: 'user.is_new',
  /** The e-mail guard is free (e-mails are unique). */
  emailFree: 'email.is_free',
  /** The old e-mail's guard still belongs to the user (an e-mail change frees it). */
  emailOwned: 'email.owned_by_user',
  /** The user record is still the version that was read. */
  unchanged: 'user.unchanged',
  /** The user exists, is in no workspace and still has the e-mail that was read. */
  canJoin: 'user.can_join',
  /** The member is still in the workspace with the role (and e-mail) that was read. */
  roleIs: 'user.role_is',
  /** The acting user still has one of the roles in the workspace. */
  actorHasRole: 'actor.has_role',
  /** The user is still a member of the workspace. */
  inWorkspace: 'user.in_workspace',
  /** The user still has the workspace, role and joinedAt that were read. */
  membershipUnchanged: 'user.membership_unchanged',
} as const;

export const WORKSPACE_CONDITIONS = {
  isNew: 'workspace.is_new',
  exists: 'workspace.exists',
  /** The workspace is still owned by who was read as its Owner. */
  ownerIs: 'workspace.owner_is',
} as const;

// ---- entities --------------------------------------------------------------------------------------

export const userEntity = defineEntity(
  ENTITY.user,
  z.object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    workspaceId: z.optional(z.string()),
    role: z.optional(z.enum(WORKSPACE_ROLES)),
    workspaceName: z.optional(z.string()),
    joinedAt: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);
/** A user record as stored: with the version its next write is conditioned on. */
export type StoredUser = UserRecord & { version: number };

const emailGuardEntity = defineEntity(ENTITY.emailGuard, z.object({ userId: z.string() }));

const adminDirectory = z.record(z.string(), z.string());
export const workspaceEntity = defineEntity(
  ENTITY.workspace,
  z.object({
    workspaceId: z.string(),
    name: z.string(),
    ownerId: z.string(),
    billing: z.object({ plan: z.enum(BILLING_PLANS), billingEmail: z.nullable(z.string()) }),
    admins: adminDirectory,
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
/** A workspace with its admin directory (userId -> e-mail of its Owner and Admins). */
export type StoredWorkspace = WorkspaceRecord & { admins: Record<string, string> };

/** What a member list shows (a user item also carries keys, index keys and its workspace copy). */
const memberRowSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.optional(z.enum(WORKSPACE_ROLES)),
  joinedAt: z.optional(z.string()),
});
export type MemberRow = z.output<typeof memberRowSchema>;

/** Owner and Admins decide (partner invitations, partnership stages) and so are in the directory. */
export const isDirectoryRole = (role: WorkspaceRole | undefined) => role === 'owner' || role === 'admin';

/** One directory entry to set (e-mail) or remove (null). */
export type DirectoryChange = { userId: string; email: string | null };

/** The directory change of a role change: in or out of the map, or none. */
export function directoryChangeOf(
  user: { userId: string; email: string },
  from: WorkspaceRole | undefined,
  to: WorkspaceRole | undefined,
): DirectoryChange[] {
  const was = isDirectoryRole(from);
  const is = isDirectoryRole(to);
  if (was === is) return [];
  return [{ userId: user.userId, email: is ? user.email : null }];
}

const byOwner = TABLE.indexes.byOwner;

// ---- the repository ---------------------------------------------------------------------------------

export class UsersRepository {
  constructor(private readonly loader: Loader) {}

  // ---- reads

  async get(userId: string): Promise<StoredUser | undefined> {
    return userEntity.parseOptional(await this.loader.load(keys.user(userId)));
  }

  getMany(userIds: readonly string[]): Promise<Array<StoredUser | undefined>> {
    return Promise.all(userIds.map((id) => this.get(id)));
  }

  /** The id of the user registered with this e-mail (case-insensitive), or undefined. */
  async idByEmail(email: string): Promise<string | undefined> {
    return emailGuardEntity.parseOptional(await this.loader.load(keys.emailGuard(email)))?.userId;
  }

  /** The user registered with this e-mail: two reads (the guard, then the user). */
  async byEmail(email: string): Promise<StoredUser | undefined> {
    const userId = await this.idByEmail(email);
    return userId ? this.get(userId) : undefined;
  }

  async workspace(workspaceId: string): Promise<StoredWorkspace | undefined> {
    return workspaceEntity.parseOptional(await this.loader.load(keys.workspace(workspaceId)));
  }

  /** E-mails of the workspace's Owner and Admins (its admin directory), sorted; none for an unknown workspace. */
  async adminEmails(workspaceId: string): Promise<string[]> {
    const workspace = await this.workspace(workspaceId);
    return workspace ? adminEmailsOf(workspace) : [];
  }

  /** Members of a workspace, by user id (gsi1). */
  async membersPage(workspaceId: string, page: PageRequest): Promise<Page<MemberRow>> {
    const partition = keys.workspaceMembersPartition(workspaceId);
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        projection: ['userId', 'email', 'name', 'role', 'joinedAt'],
      },
      { ...page, scope: partition, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => memberRowSchema.parse(item));
  }

  // ---- writes

  /** A new user and their e-mail guard. */
  register(tx: Transaction, user: UserRecord): void {
    tx.put(userEntity.item(keys.user(user.userId), { ...user, version: 1 }), { condition: itemIsNew(), name: USER_CONDITIONS.isNew });
    this.claimEmail(tx, user.email, user.userId);
  }

  /** Name and e-mail of a user read at `prev` (the e-mail guard moves with the e-mail). */
  updateProfile(tx: Transaction, prev: StoredUser, change: { name: string; email: string; at: string }): void {
    tx.update(
      keys.user(prev.userId),
      { set: { name: change.name, email: change.email, updatedAt: change.at, version: nextVersion() } },
      { condition: versionIs(prev.version), name: USER_CONDITIONS.unchanged },
    );
    if (change.email !== prev.email) {
      this.claimEmail(tx, change.email, prev.userId);
      tx.delete(keys.emailGuard(prev.email), { condition: eq('userId', prev.userId), name: USER_CONDITIONS.emailOwned });
    }
  }

  private claimEmail(tx: Transaction, email: string, userId: string): void {
    tx.put(emailGuardEntity.item(keys.emailGuard(email), { userId }), { condition: itemIsNew(), name: USER_CONDITIONS.emailFree });
  }

  /**
   * Sets the user's home workspace and role; fails when the user is gone or already in a workspace, or
   * changed e-mail since it was read (the admin directory gets the e-mail that was read).
   */
  joinWorkspace(
    tx: Transaction,
    user: Pick<UserRecord, 'userId' | 'email'>,
    workspace: Pick<WorkspaceRecord, 'workspaceId' | 'name'>,
    role: WorkspaceRole,
    at: string,
  ): void {
    const index = keys.workspaceMemberIndex(workspace.workspaceId, user.userId);
    tx.update(
      keys.user(user.userId),
      {
        set: {
          workspaceId: workspace.workspaceId,
          role,
          workspaceName: workspace.name,
          joinedAt: at,
          updatedAt: at,
          version: nextVersion(),
          ...index,
        },
      },
      { condition: and(itemExists(), notExists('workspaceId'), eq('email', user.email)), name: USER_CONDITIONS.canJoin },
    );
  }

  /** Changes a member's role, on condition that they are still in the workspace with the role and e-mail read. */
  setRole(
    tx: Transaction,
    user: Pick<UserRecord, 'userId' | 'email'>,
    workspaceId: string,
    seen: WorkspaceRole,
    role: WorkspaceRole,
    at: string,
    name: string = USER_CONDITIONS.roleIs,
  ): void {
    tx.update(
      keys.user(user.userId),
      { set: { role, updatedAt: at, version: nextVersion() } },
      { condition: and(eq('workspaceId', workspaceId), eq('role', seen), eq('email', user.email)), name },
    );
  }

  /** Takes the user out of the workspace, on condition that they are still in it with the role read. */
  leaveWorkspace(tx: Transaction, user: Pick<UserRecord, 'userId'>, workspaceId: string, seen: WorkspaceRole, at: string): void {
    const index = keys.workspaceMemberIndex(workspaceId, user.userId);
    const removeIndex = Object.fromEntries(Object.keys(index).map((name) => [name, undefined]));
    tx.update(
      keys.user(user.userId),
      {
        set: {
          updatedAt: at,
          version: nextVersion(),
          workspaceId: undefined,
          role: undefined,
          workspaceName: undefined,
          joinedAt: undefined,
          ...removeIndex,
        },
      },
      { condition: and(eq('workspaceId', workspaceId), eq('role', seen)), name: USER_CONDITIONS.roleIs },
    );
  }

  /** The acting user still has one of `roles` in the workspace when the transaction commits. */
  requireRole(tx: Transaction, userId: string, workspaceId: string, roles: readonly WorkspaceRole[]): void {
    tx.check(keys.user(userId), and(eq('workspaceId', workspaceId), isIn('role', roles)), USER_CONDITIONS.actorHasRole);
  }

  /**
   * The user still has the membership a decision was based on when the transaction commits: the same
   * workspace, role and `joinedAt` (leaving and rejoining is another membership).
   */
  requireMembershipUnchanged(
    tx: Transaction,
    user: Pick<UserRecord, 'userId' | 'workspaceId' | 'role' | 'joinedAt'>,
    name: string = USER_CONDITIONS.membershipUnchanged,
  ): void {
    tx.check(
      keys.user(user.userId),
      and(eq('workspaceId', user.workspaceId ?? '-'), eq('role', user.role ?? '-'), eq('joinedAt', user.joinedAt ?? '-')),
      name,
    );
  }

  /** The user is still a member of the workspace when the transaction commits. */
  requireMembership(tx: Transaction, userId: string, workspaceId: string, name: string = USER_CONDITIONS.inWorkspace): void {
    tx.check(keys.user(userId), eq('workspaceId', workspaceId), name);
  }

  createWorkspace(tx: Transaction, workspace: StoredWorkspace): void {
    tx.put(workspaceEntity.item(keys.workspace(workspace.workspaceId), workspace), {
      condition: itemIsNew(),
      name: WORKSPACE_CONDITIONS.isNew,
    });
  }

  /**
   * One update of the workspace item (a transaction may touch an item once): its admin directory,
   * billing settings and/or Owner. Conditioned on the item existing, or on the Owner read.
   */
  updateWorkspace(
    tx: Transaction,
    workspaceId: string,
    change: { directory?: DirectoryChange[]; billing?: StoredWorkspace['billing']; owner?: { from: string; to: string }; at?: string },
  ): void {
    const update = {
      set: {} as Record<string, unknown>,
      setPaths: [] as Array<readonly [AttributePath, unknown]>,
      remove: [] as AttributePath[],
    };
    for (const entry of change.directory ?? []) {
      if (entry.email === null) update.remove.push(['admins', entry.userId]);
      else update.setPaths.push([['admins', entry.userId], entry.email]);
    }
    if (change.billing) update.set.billing = change.billing;
    if (change.owner) update.set.ownerId = change.owner.to;
    if (change.at && (change.billing || change.owner)) update.set.updatedAt = change.at;
    if (update.remove.length + update.setPaths.length + Object.keys(update.set).length === 0) return;
    tx.update(keys.workspace(workspaceId), update, {
      condition: change.owner ? eq('ownerId', change.owner.from) : exists('admins'),
      name: change.owner ? WORKSPACE_CONDITIONS.ownerIs : WORKSPACE_CONDITIONS.exists,
    });
  }
}

export function adminEmailsOf(workspace: Pick<StoredWorkspace, 'admins'>): string[] {
  return [...new Set(Object.values(workspace.admins).map(normalizeEmail))].sort();
}
