/**
 * Team partners (SPEC §4): the partner relation of a user of another workspace with one team (one
 * item per user and team, `pending` or `active`), and the partner invitations behind them (history:
 * their status moves on, the relation is deleted when it ends). Invitation ids carry their team
 * (`<teamId>-<suffix>`), so an invitation is read with its team in one BatchGet.
 *
 * Index attributes come and go with the status:
 *   - an active partner is on gsi1 `USER#<userId>#PARTNER_TEAMS` (GET /me's teams where I am a partner);
 *   - an invitation is on gsi1 `WS#<ws>#PINV#<status>` (Manage Partners, by status), moved at each change;
 *   - a pending invitation is on the sparse due index gsi2 (`DUE` / `<dueAt>#PARTNER_INVITATION#<id>`)
 *     until it is decided, withdrawn or expired; the scheduled job moves the due time at each reminder.
 *
 * Access patterns:
 *   partner relation of a user in a team   GetItem (batched)  TEAM#<teamId> / PARTNER#<userId>
 *   invitation by id                        GetItem (batched)  TEAM#<teamId> / PINV#<invitationId>
 *   partners of a team                      Query              TEAM#<teamId> / PARTNER#<userId>
 *   invitations of a workspace by status    Query gsi1         WS#<ws>#PINV#<status> / <createdAt>#<id>  (newest first)
 *   teams where a user is a partner         Query gsi1         USER#<userId>#PARTNER_TEAMS / <teamId>
 *   due invitations                         Query gsi2         DUE / <dueAt>#PARTNER_INVITATION#<id>  (the scheduled job)
 *   pending invitations a member made       Query gsi1 + filter WS#<ws>#PINV#pending, invitedBy = <userId>  (a member leaves)
 */
import * as z from 'zod/mini';
import {
  INVITATION_STATUSES,
  PARTNER_PERMISSIONS,
  type InvitationRecord,
  type InvitationStatus,
  type PartnerPermission,
  type PartnerRecord,
} from '../domain/teams';
import { defineEntity } from './entity';
import { and, eq, increment, isIn, itemIsNew, keyCondition, ne, notExists, or, prefixRange, type Condition } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import { teamOfScopedId } from './teams';
import type { Transaction } from './transaction';

/** Condition names of this repository's transaction items (what a failure handler is keyed by). */
export const TEAM_PARTNER_CONDITIONS = {
  /** The user has no pending or active partner relation with the team yet. */
  partnerIsNew: 'team_partner.is_new',
  /** The relation is still the pending one of the invitation read. */
  partnerPending: 'team_partner.pending',
  /** The relation is still the active one of the invitation read. */
  partnerActive: 'team_partner.active',
  /** A partner who acts (writes work items, invites) still has the permission that allows it. */
  actorPermission: 'partner.actor_permission',
  /** A partner assigned a work item is still active with edit rights. */
  assigneePermission: 'partner.assignee_permission',
  /** A new invitation's id is free. */
  invitationIsNew: 'invitation.is_new',
  /** The invitation still has the status read. */
  invitationStatusIs: 'invitation.status_is',
  /** The invitation is still pending at the due time the job read. */
  invitationDueIs: 'invitation.due_is',
} as const;

// ---- entities --------------------------------------------------------------------------------------

const partnerEntity = defineEntity(
  ENTITY.teamPartner,
  z.object({
    teamId: z.string(),
    userId: z.string(),
    email: z.string(),
    workspaceId: z.string(),
    partnerWorkspaceId: z.string(),
    status: z.enum(['pending', 'active']),
    permission: z.enum(PARTNER_PERMISSIONS),
    invitationId: z.string(),
    invitedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type StoredPartner = PartnerRecord;

const invitationEntity = defineEntity(
  ENTITY.partnerInvitation,
  z.object({
    invitationId: z.string(),
    teamId: z.string(),
    teamName: z.string(),
    workspaceId: z.string(),
    userId: z.string(),
    email: z.string(),
    partnerWorkspaceId: z.string(),
    permission: z.enum(PARTNER_PERMISSIONS),
    status: z.enum(INVITATION_STATUSES),
    invitedBy: z.string(),
    inviterEmail: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    decidedBy: z.optional(z.string()),
    decidedAt: z.optional(z.string()),
    reason: z.optional(z.string()),
    remindersSent: z.optional(z.number()),
    lastRemindedAt: z.optional(z.string()),
  }),
);
export type StoredInvitation = InvitationRecord & { lastRemindedAt?: string };

/** What GET /me shows of each team where the caller is a partner (a projection of the partner item). */
const partnerTeamSchema = z.object({
  teamId: z.string(),
  workspaceId: z.string(),
  permission: z.enum(PARTNER_PERMISSIONS),
  updatedAt: z.string(),
});
export type PartnerTeam = { teamId: string; workspaceId: string; permission: PartnerPermission; since: string };

/** Teams listed on GET /me (one Query, no cursor). */
const PARTNER_TEAMS_LIMIT = 100;

const byOwner = TABLE.indexes.byOwner;
const due = TABLE.indexes.due;
/** Removes the due index attributes (sparse: a decided invitation is off the index). */
const offDueIndex = { [due.partitionKey]: undefined, [due.sortKey]: undefined };

/** The due time of a due-index sort key (`<dueAt>#<TYPE>#<id>`). */
export const dueTimeOf = (dueKey: string): string => dueKey.split('#')[0] ?? '';

/** Permissions that allow writing work items (and being assigned one). */
const EDIT_PERMISSIONS: readonly PartnerPermission[] = ['edit', 'edit_and_invite'];

// ---- the repository ---------------------------------------------------------------------------------

export class TeamPartnersRepository {
  constructor(private readonly loader: Loader) {}

  // ---- reads

  /** The user's partner relation with the team (pending or active), if any. */
  async partner(teamId: string, userId: string): Promise<StoredPartner | undefined> {
    return partnerEntity.parseOptional(await this.loader.load(keys.teamPartner(teamId, userId)));
  }

  /** The invitation; undefined also for an id that names no team. */
  async invitation(invitationId: string): Promise<StoredInvitation | undefined> {
    if (!teamOfScopedId(invitationId)) return undefined;
    return invitationEntity.parseOptional(await this.loader.load(keys.partnerInvitation(invitationId)));
  }

  async partnersPage(teamId: string, page: PageRequest): Promise<Page<StoredPartner>> {
    const partition = keys.teamPartition(teamId);
    const result = await queryPage(
      { keyCondition: keyCondition({ name: 'pk', value: partition }, { name: 'sk', between: prefixRange(keys.teamPartnerPrefix) }) },
      { ...page, scope: `${partition}#partners`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => partnerEntity.parse(item));
  }

  /** Manage Partners: a workspace's invitations with one status, newest first (gsi1). */
  async invitationsPage(workspaceId: string, status: InvitationStatus, page: PageRequest): Promise<Page<StoredInvitation>> {
    const partition = keys.partnerInvitationsPartition(workspaceId, status);
    const result = await queryPage(
      { index: 'byOwner', keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }), newestFirst: true },
      { ...page, scope: partition, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => invitationEntity.parse(item));
  }

  /**
   * A departing member's pending invitations in the workspace's teams (SPEC §10): one Query of the
   * workspace's pending list filtered on the inviter (`limit` items read); `more`: the list goes on.
   */
  async pendingInvitedBy(
    workspaceId: string,
    userId: string,
    page: PageRequest,
  ): Promise<{ invitations: StoredInvitation[]; nextCursor: string | null }> {
    const partition = keys.partnerInvitationsPartition(workspaceId, 'pending');
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        filter: eq('invitedBy', userId),
      },
      { ...page, scope: `${partition}|invited-by|${userId}` },
    );
    return { invitations: result.items.map((item) => invitationEntity.parse(item)), nextCursor: result.nextCursor };
  }

  /** GET /me: the teams where the user is an active partner (one Query of the sparse gsi1 list, only what is shown). */
  async partnerTeamsOf(userId: string): Promise<PartnerTeam[]> {
    const partition = keys.partnerTeamsPartition(userId);
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        projection: ['teamId', 'workspaceId', 'permission', 'updatedAt'],
      },
      { limit: PARTNER_TEAMS_LIMIT, scope: partition },
    );
    return result.items.map((item) => {
      const p = partnerTeamSchema.parse(item);
      return { teamId: p.teamId, workspaceId: p.workspaceId, permission: p.permission, since: p.updatedAt };
    });
  }

  // ---- writes: invitations

  /**
   * A new invitation and the partner relation it makes (pending, or active at once). Fails with
   * `partnerIsNew` when the user already has a relation with the team.
   */
  invite(tx: Transaction, invitation: InvitationRecord, dueAt: string | undefined): void {
    const active = invitation.status === 'active';
    const partner: StoredPartner = {
      teamId: invitation.teamId,
      userId: invitation.userId,
      email: invitation.email,
      workspaceId: invitation.workspaceId,
      partnerWorkspaceId: invitation.partnerWorkspaceId,
      status: active ? 'active' : 'pending',
      permission: invitation.permission,
      invitationId: invitation.invitationId,
      invitedBy: invitation.invitedBy,
      createdAt: invitation.createdAt,
      updatedAt: invitation.updatedAt,
    };
    tx.put(
      partnerEntity.item(
        keys.teamPartner(partner.teamId, partner.userId),
        partner,
        active ? keys.partnerTeamIndex(partner.userId, partner.teamId) : {},
      ),
      { condition: itemIsNew(), name: TEAM_PARTNER_CONDITIONS.partnerIsNew },
    );
    tx.put(
      invitationEntity.item(keys.partnerInvitation(invitation.invitationId), invitation, {
        ...keys.partnerInvitationIndex(invitation.workspaceId, invitation.status, invitation.createdAt, invitation.invitationId),
        ...(dueAt ? keys.partnerInvitationDue(dueAt, invitation.invitationId) : {}),
      }),
      { condition: itemIsNew(), name: TEAM_PARTNER_CONDITIONS.invitationIsNew },
    );
  }

  /** A pending invitation is approved: it and its partner relation become active (the partner joins GET /me's list). */
  approve(tx: Transaction, invitation: StoredInvitation, by: string, at: string): void {
    this.moveInvitation(tx, invitation, 'active', at, { decidedBy: by, decidedAt: at });
    tx.update(
      keys.teamPartner(invitation.teamId, invitation.userId),
      { set: { status: 'active', updatedAt: at, ...keys.partnerTeamIndex(invitation.userId, invitation.teamId) } },
      { condition: this.pendingRelationOf(invitation), name: TEAM_PARTNER_CONDITIONS.partnerPending },
    );
  }

  /** A pending invitation ends (declined or withdrawn): its pending relation goes. */
  close(
    tx: Transaction,
    invitation: StoredInvitation,
    to: 'declined' | 'withdrawn',
    at: string,
    decision?: { by: string; reason?: string },
  ): void {
    const decided = decision ? { decidedBy: decision.by, decidedAt: at, ...(decision.reason ? { reason: decision.reason } : {}) } : {};
    this.moveInvitation(tx, invitation, to, at, decided);
    tx.delete(keys.teamPartner(invitation.teamId, invitation.userId), {
      condition: this.pendingRelationOf(invitation),
      name: TEAM_PARTNER_CONDITIONS.partnerPending,
    });
  }

  /** Status change of an invitation read at `seen.status`: it moves to that status's list and, decided, off the due index. */
  private moveInvitation(tx: Transaction, seen: StoredInvitation, to: InvitationStatus, at: string, fields: Record<string, string>): void {
    tx.update(
      keys.partnerInvitation(seen.invitationId),
      {
        set: {
          status: to,
          updatedAt: at,
          ...fields,
          ...keys.partnerInvitationIndex(seen.workspaceId, to, seen.createdAt, seen.invitationId),
          ...offDueIndex,
        },
      },
      { condition: eq('status', seen.status), name: TEAM_PARTNER_CONDITIONS.invitationStatusIs },
    );
  }

  private pendingRelationOf(invitation: Pick<InvitationRecord, 'invitationId'>): Condition {
    return and(eq('invitationId', invitation.invitationId), eq('status', 'pending'));
  }

  // ---- writes: active partners

  /** An active partner's permission, on condition that the relation is still the one read. */
  setPermission(tx: Transaction, seen: StoredPartner, permission: PartnerPermission, at: string): void {
    tx.update(
      keys.teamPartner(seen.teamId, seen.userId),
      { set: { permission, updatedAt: at } },
      { condition: this.activeRelationOf(seen), name: TEAM_PARTNER_CONDITIONS.partnerActive },
    );
  }

  /** An active partner leaves or is removed: the relation goes, its invitation becomes `removed`. */
  remove(tx: Transaction, seen: StoredPartner, at: string): void {
    tx.delete(keys.teamPartner(seen.teamId, seen.userId), {
      condition: this.activeRelationOf(seen),
      name: TEAM_PARTNER_CONDITIONS.partnerActive,
    });
    // The invitation's createdAt (its list sort key) is not read here: only the list partition moves.
    tx.update(
      keys.partnerInvitation(seen.invitationId),
      { set: { status: 'removed', updatedAt: at, [byOwner.partitionKey]: keys.partnerInvitationsPartition(seen.workspaceId, 'removed') } },
      { condition: eq('status', 'active'), name: TEAM_PARTNER_CONDITIONS.invitationStatusIs },
    );
  }

  private activeRelationOf(partner: Pick<StoredPartner, 'invitationId'>): Condition {
    return and(eq('status', 'active'), eq('invitationId', partner.invitationId));
  }

  /**
   * A partner who acts in the team still has a permission that allows it when the transaction
   * commits: edit rights (work items), or edit_and_invite (invitations).
   */
  requireActorPermission(tx: Transaction, teamId: string, userId: string, need: 'edit' | 'edit_and_invite'): void {
    const permissions = need === 'edit' ? EDIT_PERMISSIONS : (['edit_and_invite'] as const);
    tx.check(
      keys.teamPartner(teamId, userId),
      and(eq('status', 'active'), isIn('permission', permissions)),
      TEAM_PARTNER_CONDITIONS.actorPermission,
    );
  }

  /** A partner assigned a work item is still active with edit rights when the transaction commits. */
  requireAssignable(tx: Transaction, teamId: string, userId: string): void {
    tx.check(
      keys.teamPartner(teamId, userId),
      and(eq('status', 'active'), isIn('permission', EDIT_PERMISSIONS)),
      TEAM_PARTNER_CONDITIONS.assigneePermission,
    );
  }

  // ---- writes: the scheduled job (conditioned on the due key it read)

  /** Moves the due time on and counts the reminder, if the invitation is still pending at `dueKey`. */
  remind(tx: Transaction, invitation: Pick<InvitationRecord, 'invitationId'>, dueKey: string, nextDueAt: string, at: string): void {
    tx.update(
      keys.partnerInvitation(invitation.invitationId),
      {
        set: {
          [due.sortKey]: keys.partnerInvitationDue(nextDueAt, invitation.invitationId)[due.sortKey],
          lastRemindedAt: at,
          remindersSent: increment(1),
        },
      },
      { condition: this.stillDue(dueKey), name: TEAM_PARTNER_CONDITIONS.invitationDueIs },
    );
  }

  /** The invitation expires (if still pending at `dueKey`): off the due index, into the expired list; its pending relation goes. */
  expire(tx: Transaction, invitation: StoredInvitation, dueKey: string, at: string): void {
    tx.update(
      keys.partnerInvitation(invitation.invitationId),
      {
        set: {
          status: 'expired',
          updatedAt: at,
          ...keys.partnerInvitationIndex(invitation.workspaceId, 'expired', invitation.createdAt, invitation.invitationId),
          ...offDueIndex,
        },
      },
      { condition: this.stillDue(dueKey), name: TEAM_PARTNER_CONDITIONS.invitationDueIs },
    );
    tx.delete(keys.teamPartner(invitation.teamId, invitation.userId), {
      condition: or(notExists('pk'), this.pendingRelationOf(invitation)),
      name: TEAM_PARTNER_CONDITIONS.partnerPending,
    });
  }

  /** A decided invitation still on the due index at `dueKey` is taken off it. */
  dropDue(tx: Transaction, invitationId: string, dueKey: string): void {
    tx.update(
      keys.partnerInvitation(invitationId),
      { set: offDueIndex },
      {
        condition: and(ne('status', 'pending'), eq(due.sortKey, dueKey)),
        name: TEAM_PARTNER_CONDITIONS.invitationDueIs,
      },
    );
  }

  private stillDue(dueKey: string): Condition {
    return and(eq('status', 'pending'), eq(due.sortKey, dueKey));
  }
}
