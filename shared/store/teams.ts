/**
 * Teams, team members and work items (SPEC §3). Everything of a team lives in its partition, so its
 * lists are strongly consistent Queries; work item ids carry their team (`<teamId>-<suffix>`), so a
 * work item is read with its team in one BatchGet. The team item keeps `memberIds` (a string set,
 * changed in the same transaction as each join, add and removal) for the team list's filter.
 *
 * Access patterns:
 *   team by id                         GetItem (batched)   TEAM#<teamId> / TEAM
 *   a member of a team                 GetItem (batched)   TEAM#<teamId> / MEMBER#<userId>
 *   work item by id                    GetItem (batched)   TEAM#<teamId> / WI#<workItemId>
 *   teams of a workspace, by name      Query gsi1          WS#<ws>#TEAMS / <name lowercased>#<teamId>
 *   members of a team                  Query               TEAM#<teamId> / MEMBER#<userId>
 *   work items of a team, oldest first Query               TEAM#<teamId> / WI#<workItemId>
 */
import * as z from 'zod/mini';
import {
  TEAM_ROLES,
  TEAM_VISIBILITIES,
  WORK_ITEM_STATUSES,
  type TeamMemberRecord,
  type TeamRecord,
  type TeamRole,
  type TeamVisibility,
  type WorkItemRecord,
} from '../domain/teams';
import { newId } from '../ids';
import { nextVersion, versionIs } from './concurrency';
import { defineEntity } from './entity';
import { eq, itemExists, itemIsNew, keyCondition, prefixRange } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** Condition names of this repository's transaction items (what a failure handler is keyed by). */
export const TEAM_CONDITIONS = {
  /** A new team's id is free. */
  isNew: 'team.is_new',
  /** The team exists (its member set changes with a member). */
  exists: 'team.exists',
  /** The team is still open (joining). */
  isOpen: 'team.is_open',
  /** The team is still the version that was read (settings). */
  unchanged: 'team.unchanged',
  /** The user is not a member of the team yet. */
  memberIsNew: 'team_member.is_new',
  /** The member is still in the team. */
  memberExists: 'team_member.exists',
  /** The member still has the team role that was read. */
  memberRoleIs: 'team_member.role_is',
  /** The assignee of a work item is still a member of the team. */
  assigneeIsMember: 'assignee.is_member',
  /** A new work item's id is free. */
  workItemIsNew: 'work_item.is_new',
  /** The work item is still the version that was read. */
  workItemUnchanged: 'work_item.unchanged',
} as const;

// ---- entities --------------------------------------------------------------------------------------

const teamEntity = defineEntity(
  ENTITY.team,
  z.object({
    teamId: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    visibility: z.enum(TEAM_VISIBILITIES),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** A string set; DynamoDB drops the attribute when its last member leaves. */
    memberIds: z.optional(z.set(z.string())),
    version: z.number(),
  }),
);
/** A team as stored: its member set (the list filter) and the version its settings' next write is conditioned on. */
export type StoredTeam = TeamRecord & { memberIds?: Set<string>; version: number };

const teamMemberEntity = defineEntity(
  ENTITY.teamMember,
  z.object({
    teamId: z.string(),
    userId: z.string(),
    /** The member's e-mail when they joined (the members list shows it). */
    email: z.optional(z.string()),
    role: z.enum(TEAM_ROLES),
    addedBy: z.string(),
    joinedAt: z.string(),
    updatedAt: z.optional(z.string()),
  }),
);
export type StoredTeamMember = TeamMemberRecord & { email?: string; updatedAt?: string };

const workItemEntity = defineEntity(
  ENTITY.workItem,
  z.object({
    workItemId: z.string(),
    teamId: z.string(),
    title: z.string(),
    status: z.enum(WORK_ITEM_STATUSES),
    assigneeId: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);
export type StoredWorkItem = WorkItemRecord & { version: number };

const byOwner = TABLE.indexes.byOwner;

/**
 * A new id of something of a team (work item, partner invitation): `<teamId>-<suffix>`, still opaque
 * to clients, so the object is read with its team in one BatchGet.
 */
export const newTeamScopedId = (teamId: string, now: Date): string => keys.scopedId(teamId, newId(now.getTime()));
/** The team of a team-scoped id; undefined when the id names no team. */
export const teamOfScopedId = (scopedId: string): string | undefined => keys.scopeOf(scopedId);

// ---- the repository ---------------------------------------------------------------------------------

export class TeamsRepository {
  constructor(private readonly loader: Loader) {}

  // ---- reads

  async get(teamId: string): Promise<StoredTeam | undefined> {
    return teamEntity.parseOptional(await this.loader.load(keys.team(teamId)));
  }

  async member(teamId: string, userId: string): Promise<StoredTeamMember | undefined> {
    return teamMemberEntity.parseOptional(await this.loader.load(keys.teamMember(teamId, userId)));
  }

  /** The work item; undefined also for an id that names no team. */
  async workItem(workItemId: string): Promise<StoredWorkItem | undefined> {
    if (!teamOfScopedId(workItemId)) return undefined;
    return workItemEntity.parseOptional(await this.loader.load(keys.workItem(workItemId)));
  }

  /** Teams of a workspace by name (gsi1), unfiltered; the cursor is bound to the list and the caller (whose filter applies). */
  async teamsPage(workspaceId: string, callerId: string, page: PageRequest): Promise<Page<StoredTeam>> {
    const partition = keys.workspaceTeamsPartition(workspaceId);
    const result = await queryPage(
      { index: 'byOwner', keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }) },
      { ...page, scope: `${partition}#${callerId}`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => teamEntity.parse(item));
  }

  async membersPage(teamId: string, page: PageRequest): Promise<Page<StoredTeamMember>> {
    const partition = keys.teamPartition(teamId);
    const result = await queryPage(
      { keyCondition: keyCondition({ name: 'pk', value: partition }, { name: 'sk', between: prefixRange(keys.teamMemberPrefix) }) },
      { ...page, scope: `${partition}#members`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => teamMemberEntity.parse(item));
  }

  async workItemsPage(teamId: string, page: PageRequest): Promise<Page<StoredWorkItem>> {
    const partition = keys.teamPartition(teamId);
    const result = await queryPage(
      { keyCondition: keyCondition({ name: 'pk', value: partition }, { name: 'sk', between: prefixRange(keys.workItemPrefix) }) },
      { ...page, scope: `${partition}#work-items`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => workItemEntity.parse(item));
  }

  // ---- writes

  /** The team still exists when the transaction commits. */
  requireTeam(tx: Transaction, teamId: string): void {
    tx.check(keys.team(teamId), itemExists(), TEAM_CONDITIONS.exists);
  }

  /** A new team with its creator as team Owner. */
  create(tx: Transaction, team: TeamRecord, owner: { userId: string; email: string }): void {
    tx.put(
      teamEntity.item(
        keys.team(team.teamId),
        { ...team, memberIds: new Set([owner.userId]), version: 1 },
        keys.teamIndex(team.workspaceId, team.name, team.teamId),
      ),
      { condition: itemIsNew(), name: TEAM_CONDITIONS.isNew },
    );
    this.putMember(tx, team.teamId, owner, 'owner', owner.userId, team.createdAt);
  }

  /** Name and visibility of a team read at `seen` (the list index follows the name). */
  updateSettings(tx: Transaction, seen: StoredTeam, change: { name: string; visibility: TeamVisibility; at: string }): void {
    tx.update(
      keys.team(seen.teamId),
      {
        set: {
          name: change.name,
          visibility: change.visibility,
          updatedAt: change.at,
          version: nextVersion(),
          [byOwner.sortKey]: keys.teamIndex(seen.workspaceId, change.name, seen.teamId)[byOwner.sortKey],
        },
      },
      { condition: versionIs(seen.version), name: TEAM_CONDITIONS.unchanged },
    );
  }

  /**
   * A new member of the team, and the team's member set. `onlyIfOpen`: the team must still be open
   * (joining), else it must exist (being added).
   */
  addMember(
    tx: Transaction,
    teamId: string,
    user: { userId: string; email: string },
    role: TeamRole,
    addedBy: string,
    at: string,
    options: { onlyIfOpen: boolean },
  ): StoredTeamMember {
    const member = this.putMember(tx, teamId, user, role, addedBy, at);
    tx.update(
      keys.team(teamId),
      { add: { memberIds: new Set([user.userId]) } },
      options.onlyIfOpen
        ? { condition: eq('visibility', 'open'), name: TEAM_CONDITIONS.isOpen }
        : { condition: itemExists(), name: TEAM_CONDITIONS.exists },
    );
    return member;
  }

  private putMember(
    tx: Transaction,
    teamId: string,
    user: { userId: string; email: string },
    role: TeamRole,
    addedBy: string,
    at: string,
  ): StoredTeamMember {
    const member: StoredTeamMember = { teamId, userId: user.userId, email: user.email, role, addedBy, joinedAt: at };
    tx.put(teamMemberEntity.item(keys.teamMember(teamId, user.userId), member), {
      condition: itemIsNew(),
      name: TEAM_CONDITIONS.memberIsNew,
    });
    return member;
  }

  /** A member's team role, on condition that they still have the role read. */
  setMemberRole(tx: Transaction, seen: Pick<StoredTeamMember, 'teamId' | 'userId' | 'role'>, role: TeamRole, at: string): void {
    tx.update(
      keys.teamMember(seen.teamId, seen.userId),
      { set: { role, updatedAt: at } },
      { condition: eq('role', seen.role), name: TEAM_CONDITIONS.memberRoleIs },
    );
  }

  /** Takes the member out of the team and its member set. */
  removeMember(tx: Transaction, teamId: string, userId: string): void {
    tx.delete(keys.teamMember(teamId, userId), { condition: itemExists(), name: TEAM_CONDITIONS.memberExists });
    tx.update(
      keys.team(teamId),
      { deleteFromSet: { memberIds: new Set([userId]) } },
      { condition: itemExists(), name: TEAM_CONDITIONS.exists },
    );
  }

  /** The user is still a member of the team when the transaction commits (a work item's assignee). */
  requireMember(tx: Transaction, teamId: string, userId: string): void {
    tx.check(keys.teamMember(teamId, userId), itemExists(), TEAM_CONDITIONS.assigneeIsMember);
  }

  createWorkItem(tx: Transaction, item: WorkItemRecord): StoredWorkItem {
    const stored = { ...item, version: 1 };
    tx.put(workItemEntity.item(keys.workItem(item.workItemId), stored), { condition: itemIsNew(), name: TEAM_CONDITIONS.workItemIsNew });
    return stored;
  }

  /** Title, status and assignee of a work item read at `seen`. */
  updateWorkItem(tx: Transaction, seen: StoredWorkItem, next: Pick<WorkItemRecord, 'title' | 'status' | 'assigneeId' | 'updatedAt'>): void {
    tx.update(
      keys.workItem(seen.workItemId),
      { set: { title: next.title, status: next.status, assigneeId: next.assigneeId, updatedAt: next.updatedAt, version: nextVersion() } },
      { condition: versionIs(seen.version), name: TEAM_CONDITIONS.workItemUnchanged },
    );
  }
}
