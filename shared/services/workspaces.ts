/**
 * Workspaces, members, roles, ownership and billing (SPEC §2). The user record is the single source
 * of membership: it holds workspaceId, role and a copy of the workspace name, and carries the gsi1
 * keys of the workspace's member list while the user belongs to it. Every write is one transaction
 * whose conditions re-check what the decision was based on, so concurrent changes cannot corrupt.
 */
import { activityItems } from '../data/activity';
import { getItem, indexes, putNew, queryPage, tableName, transact, type Item, type Page, type TransactItem } from '../data/dynamo';
import {
  decideAddMember,
  decideCreateWorkspace,
  decideOwnershipTransfer,
  decideRemoval,
  decideRoleChange,
  requireBillingManager,
  requireMember,
  requireOwner,
  requireWorkspaceAdmin,
  type AssignableRole,
  type BillingPlan,
  type UserRecord,
  type WorkspaceRecord,
  type WorkspaceRole,
} from '../domain/identity';
import { conflict, DomainError, notFound } from '../errors';
import type { Caller } from '../http/handler';
import { newId } from '../ids';
import { notificationItems } from '../notify/outbox';
import { ENTITY, keys, normalizeEmail, type ActivityScope } from '../keys';
import { TABLE } from '../table';
import { toUserRecord } from './identity';
import { ADMINS_ATTRIBUTE, directoryUpdate, directoryUpdateParts, isDirectoryRole, roleChangeEntry } from './workspace-directory';

// ---- views --------------------------------------------------------------------------------------

export const workspaceView = (workspace: WorkspaceRecord, role: WorkspaceRole | undefined) => ({
  workspaceId: workspace.workspaceId,
  name: workspace.name,
  ownerId: workspace.ownerId,
  role: role ?? null,
  createdAt: workspace.createdAt,
  updatedAt: workspace.updatedAt,
});

export const memberView = (user: UserRecord) => ({
  userId: user.userId,
  email: user.email,
  name: user.name,
  role: user.role ?? null,
  joinedAt: user.joinedAt ?? null,
});

export const billingView = (workspace: WorkspaceRecord) => ({
  workspaceId: workspace.workspaceId,
  plan: workspace.billing.plan,
  billingEmail: workspace.billing.billingEmail,
  updatedAt: workspace.updatedAt,
});

function toWorkspaceRecord(item: Item): WorkspaceRecord {
  const { workspaceId, name, ownerId, billing, createdAt, updatedAt } = item;
  return { workspaceId, name, ownerId, billing, createdAt, updatedAt };
}

// ---- transaction building blocks ------------------------------------------------------------------

const scopeOf = (workspaceId: string): ActivityScope => ({ kind: 'workspace', id: workspaceId });
const concurrent = () => conflict('concurrent_update', 'The workspace changed while we were working on it; retry.');
const gsi = TABLE.indexes.byOwner;

/**
 * Sets the user's home workspace and role; fails when the user is gone or already in a workspace, or
 * changed e-mail since it was read (the admin directory gets the e-mail that was read).
 */
function joinWorkspace(user: Pick<UserRecord, 'userId' | 'email'>, workspace: Pick<WorkspaceRecord, 'workspaceId' | 'name'>, role: WorkspaceRole, at: string): TransactItem {
  const userId = user.userId;
  const index = keys.workspaceMemberIndex(workspace.workspaceId, userId);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.user(userId),
      UpdateExpression:
        'SET workspaceId = :ws, #role = :role, workspaceName = :wsName, joinedAt = :at, #gpk = :gpk, #gsk = :gsk, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(workspaceId) AND email = :email',
      ExpressionAttributeNames: { '#role': 'role', '#gpk': gsi.partitionKey, '#gsk': gsi.sortKey },
      ExpressionAttributeValues: {
        ':email': user.email,
        ':ws': workspace.workspaceId,
        ':role': role,
        ':wsName': workspace.name,
        ':at': at,
        ':gpk': index[gsi.partitionKey],
        ':gsk': index[gsi.sortKey],
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Changes a member's role, on condition that they are still in the workspace with the role and the
 * e-mail we saw (the admin directory entry written beside it is derived from both).
 */
function setRole(user: Pick<UserRecord, 'userId' | 'email'>, workspaceId: string, seen: WorkspaceRole, role: WorkspaceRole, at: string, extraCondition?: { expression: string; values: Record<string, unknown> }): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.user(user.userId),
      UpdateExpression: 'SET #role = :role, updatedAt = :at',
      ConditionExpression: `workspaceId = :ws AND #role = :seen AND email = :email${extraCondition ? ` AND ${extraCondition.expression}` : ''}`,
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':ws': workspaceId, ':seen': seen, ':role': role, ':at': at, ':email': user.email, ...extraCondition?.values },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The acting user still has one of `roles` in the workspace when the transaction commits. */
function actorStillHas(userId: string, workspaceId: string, roles: WorkspaceRole[]): TransactItem {
  const values: Record<string, unknown> = { ':ws': workspaceId };
  roles.forEach((role, i) => (values[`:r${i}`] = role));
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.user(userId),
      ConditionExpression: `workspaceId = :ws AND #role IN (${roles.map((_, i) => `:r${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * When a condition fails, re-runs the rule on the item as it is now: the error the caller would get
 * if they retried (e.g. 403 after being demoted meanwhile), else a 409 concurrent_update.
 */
function recheck(rule: () => void): DomainError {
  try {
    rule();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return concurrent();
}

const asUser = (item: Item | undefined) => (item ? toUserRecord(item) : undefined);
const roleOf = (user: UserRecord) => user.role as WorkspaceRole;

// ---- use cases ----------------------------------------------------------------------------------

/** POST /workspaces: the caller (in no workspace) creates one and becomes its Owner. */
export async function createWorkspace(caller: Caller, user: UserRecord, name: string, now: Date) {
  decideCreateWorkspace(user);
  const at = now.toISOString();
  const workspace: WorkspaceRecord = {
    workspaceId: newId(now.getTime()),
    name,
    ownerId: caller.userId,
    billing: { plan: 'free', billingEmail: user.email },
    createdAt: at,
    updatedAt: at,
  };
  await transact(
    [
      joinWorkspace(user, workspace, 'owner', at),
      putNew({ ...keys.workspace(workspace.workspaceId), type: ENTITY.workspace, ...workspace, [ADMINS_ATTRIBUTE]: { [caller.userId]: user.email } }),
      ...activityItems([scopeOf(workspace.workspaceId)], {
        actorId: caller.userId,
        action: 'workspace.created',
        target: { type: 'workspace', id: workspace.workspaceId },
        data: { name },
        at,
      }),
    ],
    (index, current) => (index === 0 ? recheck(() => decideCreateWorkspace(asUser(current) ?? {})) : concurrent()),
  );
  return workspaceView(workspace, 'owner');
}

/** GET /workspaces/{id}: members only (others 404). */
export function readWorkspace(user: UserRecord, workspaceId: string, item: Item | undefined) {
  requireMember(user, workspaceId);
  if (!item) throw notFound('workspace');
  return workspaceView(toWorkspaceRecord(item), user.role);
}

/** The Query of GET /workspaces/{id}/members: the gsi1 member list (path only: the handler prefetches it). */
export function membersPage(workspaceId: string, page: { limit: number; cursor?: string }): Promise<Page<Item>> {
  const partition = keys.workspaceMembersPartition(workspaceId);
  return queryPage(
    {
      IndexName: indexes.byOwner.name,
      KeyConditionExpression: '#gpk = :pk',
      // What memberView shows: a user item also carries keys, index keys and its workspace copy.
      ProjectionExpression: 'userId, email, #name, #role, joinedAt',
      ExpressionAttributeNames: { '#gpk': indexes.byOwner.partitionKey, '#name': 'name', '#role': 'role' },
      ExpressionAttributeValues: { ':pk': partition },
    },
    { ...page, scope: partition },
  );
}

/** GET /workspaces/{id}/members: members only; `rows` are used only once that is checked. */
export async function listMembers(user: UserRecord, workspaceId: string, rows: Promise<Page<Item>>) {
  requireMember(user, workspaceId);
  const result = await rows;
  return { items: result.items.map((item) => memberView(toUserRecord(item))), nextCursor: result.nextCursor };
}

/** POST /workspaces/{id}/members: Owner/Admin add a registered user who is in no workspace. */
export async function addMember(
  caller: Caller,
  actor: UserRecord,
  workspaceId: string,
  input: { email: string; role: AssignableRole },
  workspaceItem: Item | undefined,
  now: Date,
) {
  requireWorkspaceAdmin(actor, workspaceId);
  if (!workspaceItem) throw notFound('workspace');
  const workspace = toWorkspaceRecord(workspaceItem);
  const guard = await getItem<{ userId: string }>(keys.emailGuard(input.email));
  const target = guard ? asUser(await getItem(keys.user(guard.userId))) : undefined;
  decideAddMember(actor, workspaceId, target);
  const member = target as UserRecord;

  const at = now.toISOString();
  await transact(
    [
      actorStillHas(caller.userId, workspaceId, ['owner', 'admin']),
      joinWorkspace(member, workspace, input.role, at),
      ...directoryUpdate(workspaceId, roleChangeEntry(member, undefined, input.role)),
      ...activityItems([scopeOf(workspaceId)], {
        actorId: caller.userId,
        action: 'workspace.member_added',
        target: { type: 'user', id: member.userId },
        data: { email: member.email, role: input.role },
        at,
      }),
      ...notificationItems({
        template: 'workspace.member_added',
        to: [member.email],
        data: { workspaceId, workspaceName: workspace.name, role: input.role, addedBy: actor.name },
        at,
      }),
    ],
    (index, current) =>
      index === 0
        ? recheck(() => requireWorkspaceAdmin(asUser(current) ?? {}, workspaceId))
        : index === 1
          ? recheck(() => decideAddMember(actor, workspaceId, asUser(current)))
          : concurrent(),
  );
  return memberView({ ...member, workspaceId, role: input.role, workspaceName: workspace.name, joinedAt: at });
}

/**
 * PATCH /workspaces/{id}/members/{userId}: Owner/Admin change a role (never the Owner's). The
 * workspace item (preloaded) is there for its admin directory.
 */
export async function changeRole(
  caller: Caller,
  actor: UserRecord,
  workspaceId: string,
  targetItem: Item | undefined,
  role: AssignableRole,
  workspaceItem: Item | undefined,
  now: Date,
) {
  const target = asUser(targetItem);
  const changes = decideRoleChange(actor, workspaceId, target, role);
  const member = target as UserRecord;
  if (!changes) return memberView(member);

  const at = now.toISOString();
  const self = member.userId === caller.userId;
  const items: TransactItem[] = [
    setRole(member, workspaceId, roleOf(member), role, at),
    ...activityItems([scopeOf(workspaceId)], {
      actorId: caller.userId,
      action: 'workspace.member_role_changed',
      target: { type: 'user', id: member.userId },
      data: { from: member.role, to: role },
      at,
    }),
    ...directoryUpdate(workspaceId, roleChangeEntry(member, member.role, role)),
  ];
  // An Admin changing their own role: the update's own condition (role = seen) covers the actor.
  if (!self) items.unshift(actorStillHas(caller.userId, workspaceId, ['owner', 'admin']));
  await transact(items, (index, current) => {
    if (!self && index === 0) return recheck(() => requireWorkspaceAdmin(asUser(current) ?? {}, workspaceId));
    return recheck(() => decideRoleChange(self ? (asUser(current) ?? {}) : actor, workspaceId, asUser(current), role));
  });
  return memberView({ ...member, role, updatedAt: at });
}

/** DELETE /workspaces/{id}/members/{userId}: Owner/Admin remove a member; a member may leave. */
export async function removeMember(caller: Caller, actor: UserRecord, workspaceId: string, targetItem: Item | undefined, workspaceItem: Item | undefined, now: Date) {
  const target = asUser(targetItem);
  decideRemoval(actor, workspaceId, target);
  const member = target as UserRecord;
  const at = now.toISOString();
  const self = member.userId === caller.userId;
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName(),
        Key: keys.user(member.userId),
        UpdateExpression: 'SET updatedAt = :at REMOVE workspaceId, #role, workspaceName, joinedAt, #gpk, #gsk',
        ConditionExpression: 'workspaceId = :ws AND #role = :seen',
        ExpressionAttributeNames: { '#role': 'role', '#gpk': gsi.partitionKey, '#gsk': gsi.sortKey },
        ExpressionAttributeValues: { ':ws': workspaceId, ':seen': member.role, ':at': at },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    ...activityItems([scopeOf(workspaceId)], {
      actorId: caller.userId,
      action: self ? 'workspace.member_left' : 'workspace.member_removed',
      target: { type: 'user', id: member.userId },
      data: { email: member.email, role: member.role },
      at,
    }),
    // The update above is conditioned on the role seen: an Admin leaves the directory with it.
    ...directoryUpdate(workspaceId, roleChangeEntry(member, member.role, undefined)),
  ];
  if (!self) items.unshift(actorStillHas(caller.userId, workspaceId, ['owner', 'admin']));
  await transact(items, (index, current) => {
    if (!self && index === 0) return recheck(() => requireWorkspaceAdmin(asUser(current) ?? {}, workspaceId));
    const latest = asUser(current);
    return recheck(() => decideRemoval(self ? (latest ?? { userId: caller.userId }) : actor, workspaceId, latest));
  });
}

/** POST /workspaces/{id}/ownership-transfer: the Owner hands over; they become an Admin. */
export async function transferOwnership(
  caller: Caller,
  actor: UserRecord,
  workspaceId: string,
  targetUserId: string,
  workspaceItem: Item | undefined,
  now: Date,
) {
  requireOwner(actor, workspaceId);
  if (!workspaceItem) throw notFound('workspace');
  const target = targetUserId === caller.userId ? actor : asUser(await getItem(keys.user(targetUserId)));
  decideOwnershipTransfer(actor, workspaceId, target);
  const workspace = toWorkspaceRecord(workspaceItem);
  const member = target as UserRecord;
  const at = now.toISOString();
  // The old Owner stays in the admin directory (as Admin); the new one joins it.
  const directory = directoryUpdateParts(
    isDirectoryRole(member.role) ? [] : [{ userId: member.userId, email: member.email }],
  );
  await transact(
    [
      setRole(actor, workspaceId, 'owner', 'admin', at),
      setRole(member, workspaceId, roleOf(member), 'owner', at),
      {
        Update: {
          TableName: tableName(),
          Key: keys.workspace(workspaceId),
          UpdateExpression: `SET ${['ownerId = :new', 'updatedAt = :at', ...directory.set].join(', ')}`,
          ConditionExpression: 'ownerId = :old',
          ...(directory.set.length ? { ExpressionAttributeNames: directory.names } : {}),
          ExpressionAttributeValues: { ':new': member.userId, ':old': caller.userId, ':at': at, ...directory.values },
        },
      },
      ...activityItems([scopeOf(workspaceId)], {
        actorId: caller.userId,
        action: 'workspace.ownership_transferred',
        target: { type: 'user', id: member.userId },
        data: { from: caller.userId, to: member.userId, previousRole: member.role },
        at,
      }),
    ],
    (index, current) =>
      index === 0
        ? recheck(() => decideOwnershipTransfer(asUser(current) ?? { userId: caller.userId }, workspaceId, member))
        : index === 1
          ? recheck(() => decideOwnershipTransfer(actor, workspaceId, asUser(current)))
          : concurrent(),
  );
  return workspaceView({ ...workspace, ownerId: member.userId, updatedAt: at }, 'admin');
}

/** GET /workspaces/{id}/billing: Owner, Admin, Billing Admin. */
export function readBilling(user: UserRecord, workspaceId: string, item: Item | undefined) {
  requireBillingManager(user, workspaceId);
  if (!item) throw notFound('workspace');
  return billingView(toWorkspaceRecord(item));
}

/** PUT /workspaces/{id}/billing: replaces the plan and billing e-mail. */
export async function updateBilling(
  caller: Caller,
  actor: UserRecord,
  workspaceId: string,
  input: { plan: BillingPlan; billingEmail: string },
  workspaceItem: Item | undefined,
  now: Date,
) {
  requireBillingManager(actor, workspaceId);
  if (!workspaceItem) throw notFound('workspace');
  const workspace = toWorkspaceRecord(workspaceItem);
  const billing = { plan: input.plan, billingEmail: normalizeEmail(input.billingEmail) };
  const at = now.toISOString();
  if (billing.plan === workspace.billing.plan && billing.billingEmail === workspace.billing.billingEmail) {
    return billingView(workspace);
  }
  await transact(
    [
      actorStillHas(caller.userId, workspaceId, ['owner', 'admin', 'billing_admin']),
      {
        Update: {
          TableName: tableName(),
          Key: keys.workspace(workspaceId),
          UpdateExpression: 'SET billing = :billing, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':billing': billing, ':at': at },
        },
      },
      ...activityItems([scopeOf(workspaceId)], {
        actorId: caller.userId,
        action: 'workspace.billing_updated',
        target: { type: 'workspace', id: workspaceId },
        data: { from: workspace.billing, to: billing },
        at,
      }),
    ],
    (index, current) => (index === 0 ? recheck(() => requireBillingManager(asUser(current) ?? {}, workspaceId)) : concurrent()),
  );
  return billingView({ ...workspace, billing, updatedAt: at });
}
