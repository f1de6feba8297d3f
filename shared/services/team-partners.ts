/** Team partners and partner invitations (SPEC §4). */
import { activityItems } from '../data/activity';
import { batchGet, keyId, putNew, queryPage, sortKeyPrefixCondition, tableName, transact, type Item, type Page, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import { isWorkspaceAdmin } from '../domain/identity';
import {
  checkInvitationEntries,
  firstDueAt,
  invitationBatchErrorCode,
  type InvitationRecord,
  type InvitationStatus,
  type PartnerPermission,
  type PartnerRecord,
} from '../domain/teams';
import { businessRule, conflict, DomainError, forbidden, notFound } from '../errors';
import type { LegacyRequest as HttpRequest } from '../http/handler';
import { newId } from '../ids';
import { ENTITY, keys, normalizeEmail } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import { TABLE } from '../store/table';
import { teamContext, workspaceScope, type PartnerItem, type TeamContext } from './teams';
import { workspaceAdminEmails } from './workspace-directory';

export type InvitationItem = InvitationRecord & { pk: string; sk: string; [attribute: string]: unknown };
type Loaded = Pick<HttpRequest<unknown, unknown, unknown>, 'user' | 'loaded'>;

const G1PK = TABLE.indexes.byOwner.partitionKey;
const G1SK = TABLE.indexes.byOwner.sortKey;
const G2PK = TABLE.indexes.due.partitionKey;
const G2SK = TABLE.indexes.due.sortKey;

export const invitationView = (inv: InvitationRecord) => ({
  invitationId: inv.invitationId,
  teamId: inv.teamId,
  teamName: inv.teamName,
  workspaceId: inv.workspaceId,
  userId: inv.userId,
  email: inv.email,
  permission: inv.permission,
  status: inv.status,
  invitedBy: inv.invitedBy,
  inviterEmail: inv.inviterEmail,
  createdAt: inv.createdAt,
  updatedAt: inv.updatedAt,
  decidedBy: inv.decidedBy ?? null,
  decidedAt: inv.decidedAt ?? null,
  reason: inv.reason ?? null,
});

export const partnerView = (p: PartnerRecord) => ({
  userId: p.userId,
  email: p.email,
  teamId: p.teamId,
  partnerWorkspaceId: p.partnerWorkspaceId,
  status: p.status,
  permission: p.permission,
  invitationId: p.invitationId,
  invitedBy: p.invitedBy,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** Changes the invitation's status and moves it to that status's list (gsi1). */
function invitationStatusUpdate(
  inv: InvitationRecord,
  to: InvitationStatus,
  at: string,
  extra: { decidedBy?: string; reason?: string; removeDue?: boolean } = {},
): TransactItem {
  const index = keys.partnerInvitationIndex(inv.workspaceId, to, inv.createdAt, inv.invitationId);
  const sets = ['#status = :to', 'updatedAt = :at', '#g1pk = :g1pk', '#g1sk = :g1sk'];
  const values: Record<string, unknown> = { ':to': to, ':at': at, ':from': inv.status, ':g1pk': index[G1PK], ':g1sk': index[G1SK] };
  if (extra.decidedBy) {
    sets.push('decidedBy = :by', 'decidedAt = :at');
    values[':by'] = extra.decidedBy;
  }
  if (extra.reason) {
    sets.push('reason = :reason');
    values[':reason'] = extra.reason;
  }
  const names: Record<string, string> = { '#status': 'status', '#g1pk': G1PK, '#g1sk': G1SK };
  let update = `SET ${sets.join(', ')}`;
  if (extra.removeDue) {
    update += ' REMOVE #g2pk, #g2sk';
    names['#g2pk'] = G2PK;
    names['#g2sk'] = G2SK;
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.partnerInvitation(inv.invitationId),
      UpdateExpression: update,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Deletes the pending partner item that belongs to this invitation. */
function deletePendingPartner(inv: InvitationRecord): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.teamPartner(inv.teamId, inv.userId),
      ConditionExpression: 'invitationId = :inv AND #status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':inv': inv.invitationId, ':pending': 'pending' },
    },
  };
}

const invalidState = (status: string) => conflict('invalid_state', `The invitation is ${status}: it cannot be decided or withdrawn now.`);

// ---- POST /teams/{id}/partner-invitations ------------------------------------------------------

export async function invitePartners(
  ctx: TeamContext,
  inviterEmail: string,
  entries: Array<{ email: string; permission: PartnerPermission }>,
  now: Date,
) {
  const { team, user, access } = ctx;
  if (!access.canInvitePartners || !access.maxInvitePermission) {
    throw forbidden('Only the team\'s creator, Owner/Admins, workspace Owner/Admins and partners with edit_and_invite can invite partners.');
  }
  const activeAtOnce = access.invitesActiveAtOnce;
  const normalized = entries.map((e) => ({ email: normalizeEmail(e.email), permission: e.permission }));

  // Round trip 2: e-mail guards and, to notify the deciders of pending invitations, the workspace
  // (its admin directory).
  const workspaceKey = keys.workspace(team.workspaceId);
  const guards = await batchGet([...normalized.map((e) => keys.emailGuard(e.email)), ...(activeAtOnce ? [] : [workspaceKey])]);
  const admins = activeAtOnce ? [] : await workspaceAdminEmails(team.workspaceId, guards.get(keyId(workspaceKey)));
  const userIds = normalized.map((e) => guards.get(keyId(keys.emailGuard(e.email)))?.userId as string | undefined);
  // Round trip 3: the invitees and their partner items in this team.
  const known = userIds.filter((id): id is string => Boolean(id));
  const found = known.length
    ? await batchGet(known.flatMap((id) => [keys.user(id), keys.teamPartner(team.teamId, id)]))
    : new Map<string, Item>();
  const invitees = userIds.map((id) => (id ? (found.get(keyId(keys.user(id))) as UserRecord | undefined) : undefined));

  const errors = checkInvitationEntries(
    team,
    access.maxInvitePermission,
    normalized.map((e, i) => ({
      ...e,
      invitee: invitees[i],
      existing: invitees[i] ? (found.get(keyId(keys.teamPartner(team.teamId, invitees[i]!.userId))) as PartnerItem | undefined) : undefined,
    })),
  );
  if (errors.length > 0) {
    const { code, conflict: isConflict } = invitationBatchErrorCode(errors);
    const message = 'Some invitations are not valid; none was sent.';
    throw isConflict ? conflict(code, message, errors) : businessRule(code, message, errors);
  }

  const at = now.toISOString();
  const status: 'active' | 'pending' = activeAtOnce ? 'active' : 'pending';
  const invitations: InvitationRecord[] = normalized.map((e, i) => ({
    invitationId: keys.scopedId(team.teamId, newId(now.getTime())),
    teamId: team.teamId,
    teamName: team.name,
    workspaceId: team.workspaceId,
    userId: invitees[i]!.userId,
    email: invitees[i]!.email,
    partnerWorkspaceId: invitees[i]!.workspaceId!,
    permission: e.permission,
    status,
    invitedBy: user.userId,
    inviterEmail: normalizeEmail(inviterEmail),
    createdAt: at,
    updatedAt: at,
    ...(activeAtOnce ? { decidedBy: user.userId, decidedAt: at } : {}),
  }));

  const items: TransactItem[] = [];
  for (const inv of invitations) {
    items.push(
      putNew({
        ...keys.teamPartner(team.teamId, inv.userId),
        type: ENTITY.teamPartner,
        teamId: team.teamId,
        userId: inv.userId,
        email: inv.email,
        workspaceId: team.workspaceId,
        partnerWorkspaceId: inv.partnerWorkspaceId,
        status,
        permission: inv.permission,
        invitationId: inv.invitationId,
        invitedBy: user.userId,
        createdAt: at,
        updatedAt: at,
        ...(activeAtOnce ? keys.partnerTeamIndex(inv.userId, team.teamId) : {}),
      } satisfies PartnerRecord & Item),
      putNew({
        ...keys.partnerInvitation(inv.invitationId),
        type: ENTITY.partnerInvitation,
        ...inv,
        ...keys.partnerInvitationIndex(team.workspaceId, status, at, inv.invitationId),
        ...(activeAtOnce ? {} : keys.partnerInvitationDue(firstDueAt(at), inv.invitationId)),
      }),
    );
  }
  const partnerCount = items.length;
  // The inviter still has the right to invite when the write commits (team exists; a partner
  // inviter is still an active edit_and_invite partner).
  items.push(
    access.as === 'partner'
      ? {
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.teamPartner(team.teamId, user.userId),
            ConditionExpression: '#status = :active AND #perm = :invite',
            ExpressionAttributeNames: { '#status': 'status', '#perm': 'permission' },
            ExpressionAttributeValues: { ':active': 'active', ':invite': 'edit_and_invite' },
          },
        }
      : { ConditionCheck: { TableName: tableName(), Key: keys.team(team.teamId), ConditionExpression: 'attribute_exists(pk)' } },
  );
  items.push(
    ...activityItems([workspaceScope(team.workspaceId)], {
      actorId: user.userId,
      action: activeAtOnce ? 'team_partner.added' : 'team_partner.invited',
      target: { type: 'team', id: team.teamId },
      data: { invitations: invitations.map((i) => ({ invitationId: i.invitationId, userId: i.userId, email: i.email, permission: i.permission, status })) },
      at,
    }),
  );
  const summary = invitations.map((i) => ({ invitationId: i.invitationId, email: i.email, permission: i.permission }));
  if (activeAtOnce) {
    // A decision at once: the inviter and each partner are told.
    for (const inv of invitations) {
      items.push(
        ...notificationItems({
          template: 'team_partner.activated',
          to: [inv.email],
          data: { teamId: team.teamId, teamName: team.name, invitationId: inv.invitationId, permission: inv.permission, invitedBy: user.userId },
          at,
        }),
      );
    }
    items.push(
      ...notificationItems({
        template: 'team_partner.activated_summary',
        to: [inviterEmail],
        data: { teamId: team.teamId, teamName: team.name, invitations: summary },
        at,
      }),
    );
  } else if (admins.length > 0) {
    items.push(
      ...notificationItems({
        template: 'team_partner.invitation_pending',
        to: admins,
        data: { teamId: team.teamId, teamName: team.name, invitedBy: user.userId, inviterEmail: normalizeEmail(inviterEmail), invitations: summary },
        at,
      }),
    );
  }
  await transact(items, (index) => {
    if (index < partnerCount) {
      const inv = invitations[Math.floor(index / 2)];
      return conflict('already_partner', 'Some invitations are not valid; none was sent.', [
        { index: Math.floor(index / 2), email: inv.email, code: 'already_partner' },
      ]);
    }
    return index === partnerCount ? notFound('team') : conflict('concurrent_update', 'Concurrent change; retry.');
  });
  return { items: invitations.map(invitationView) };
}

// ---- decisions on one invitation ----------------------------------------------------------------

export interface InvitationContext {
  invitation: InvitationItem;
  isDecider: boolean;
}

/**
 * Loads the invitation preloaded with its team. Visible to the team workspace's Owner/Admins, the
 * inviter and the invitee; anyone else gets 404.
 */
export function invitationContext(request: Loaded, invitationId: string): InvitationContext {
  const invitation = request.loaded<InvitationItem>(keys.partnerInvitation(invitationId));
  if (!invitation) throw notFound('invitation');
  const isDecider = isWorkspaceAdmin(request.user, invitation.workspaceId);
  const me = request.user.userId;
  if (!isDecider && invitation.invitedBy !== me && invitation.userId !== me) {
    // Team managers also see the invitations of their team.
    let teamManager = false;
    try {
      teamManager = teamContext(request, invitation.teamId).access.canManagePartners;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    if (!teamManager) throw notFound('invitation');
  }
  return { invitation, isDecider };
}

const requireDecider = (ctx: InvitationContext) => {
  if (!ctx.isDecider) throw forbidden('Only an Owner or Admin of the team\'s workspace decides partner invitations.');
  if (ctx.invitation.status !== 'pending') throw invalidState(ctx.invitation.status);
};

export async function approveInvitation(request: Loaded, invitationId: string, now: Date) {
  const ctx = invitationContext(request, invitationId);
  requireDecider(ctx);
  const inv = ctx.invitation;
  const at = now.toISOString();
  const partnerIndex = keys.partnerTeamIndex(inv.userId, inv.teamId);
  await transact(
    [
      invitationStatusUpdate(inv, 'active', at, { decidedBy: request.user.userId, removeDue: true }),
      {
        Update: {
          TableName: tableName(),
          Key: keys.teamPartner(inv.teamId, inv.userId),
          UpdateExpression: 'SET #status = :active, updatedAt = :at, #g1pk = :g1pk, #g1sk = :g1sk',
          ConditionExpression: 'invitationId = :inv AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#g1pk': G1PK, '#g1sk': G1SK },
          ExpressionAttributeValues: {
            ':active': 'active',
            ':pending': 'pending',
            ':at': at,
            ':inv': inv.invitationId,
            ':g1pk': partnerIndex[G1PK],
            ':g1sk': partnerIndex[G1SK],
          },
        },
      },
      // The team still exists.
      { ConditionCheck: { TableName: tableName(), Key: keys.team(inv.teamId), ConditionExpression: 'attribute_exists(pk)' } },
      ...activityItems([workspaceScope(inv.workspaceId)], {
        actorId: request.user.userId,
        action: 'team_partner.approved',
        target: { type: 'partner_invitation', id: inv.invitationId },
        data: { teamId: inv.teamId, userId: inv.userId, permission: inv.permission },
        at,
      }),
      ...notificationItems({
        template: 'team_partner.approved',
        to: [inv.inviterEmail, inv.email],
        data: { teamId: inv.teamId, teamName: inv.teamName, invitationId: inv.invitationId, email: inv.email, permission: inv.permission },
        at,
      }),
    ],
    (index) => (index === 2 ? notFound('team') : conflict('invalid_state', 'The invitation was decided or withdrawn concurrently.')),
  );
  return invitationView({ ...inv, status: 'active', updatedAt: at, decidedBy: request.user.userId, decidedAt: at });
}

export async function declineInvitation(request: Loaded, invitationId: string, reason: string | undefined, now: Date) {
  const ctx = invitationContext(request, invitationId);
  requireDecider(ctx);
  const inv = ctx.invitation;
  const at = now.toISOString();
  await transact(
    [
      invitationStatusUpdate(inv, 'declined', at, { decidedBy: request.user.userId, reason, removeDue: true }),
      deletePendingPartner(inv),
      ...activityItems([workspaceScope(inv.workspaceId)], {
        actorId: request.user.userId,
        action: 'team_partner.declined',
        target: { type: 'partner_invitation', id: inv.invitationId },
        data: { teamId: inv.teamId, userId: inv.userId, ...(reason ? { reason } : {}) },
        at,
      }),
      ...notificationItems({
        template: 'team_partner.declined',
        to: [inv.inviterEmail, inv.email],
        data: { teamId: inv.teamId, teamName: inv.teamName, invitationId: inv.invitationId, email: inv.email, reason: reason ?? null },
        at,
      }),
    ],
    () => conflict('invalid_state', 'The invitation was decided or withdrawn concurrently.'),
  );
  return invitationView({ ...inv, status: 'declined', updatedAt: at, decidedBy: request.user.userId, decidedAt: at, reason });
}

export async function withdrawInvitation(request: Loaded, invitationId: string, now: Date) {
  const ctx = invitationContext(request, invitationId);
  const inv = ctx.invitation;
  if (inv.invitedBy !== request.user.userId) throw forbidden('Only the inviter can withdraw an invitation.');
  if (inv.status !== 'pending') throw invalidState(inv.status);
  const at = now.toISOString();
  await transact(
    [
      invitationStatusUpdate(inv, 'withdrawn', at, { removeDue: true }),
      deletePendingPartner(inv),
      ...activityItems([workspaceScope(inv.workspaceId)], {
        actorId: request.user.userId,
        action: 'team_partner.withdrawn',
        target: { type: 'partner_invitation', id: inv.invitationId },
        data: { teamId: inv.teamId, userId: inv.userId },
        at,
      }),
    ],
    () => conflict('invalid_state', 'The invitation was decided or withdrawn concurrently.'),
  );
}

/** The Query of the Manage Partners list (path and query only: the handler prefetches it). */
export function invitationsPage(workspaceId: string, status: InvitationStatus, page: { limit: number; cursor?: string }): Promise<Page<InvitationItem>> {
  const pk = keys.partnerInvitationsPartition(workspaceId, status);
  return queryPage<InvitationItem>(
    {
      IndexName: TABLE.indexes.byOwner.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': G1PK },
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
    },
    { ...page, scope: pk },
  );
}

/** GET /workspaces/{id}/partner-invitations?status= (Manage Partners): `rows` are used only once the caller may see them. */
export async function listInvitations(user: UserRecord, workspaceId: string, rows: Promise<Page<InvitationItem>>) {
  if (user.workspaceId !== workspaceId) throw notFound('workspace');
  if (!isWorkspaceAdmin(user, workspaceId)) throw forbidden('Only the workspace Owner/Admins manage partners.');
  const result = await rows;
  return { items: result.items.map(invitationView), nextCursor: result.nextCursor };
}

// ---- partners of a team --------------------------------------------------------------------------

/** The Query of GET /teams/{id}/partners (path only: the handler prefetches it). */
export function partnersPage(teamId: string, page: { limit: number; cursor?: string }): Promise<Page<PartnerItem>> {
  const pk = keys.teamPartition(teamId);
  return queryPage<PartnerItem>(sortKeyPrefixCondition(pk, keys.teamPartnerPrefix), { ...page, scope: `${pk}#partners` });
}

/** GET /teams/{id}/partners: takes the TeamContext as proof that the caller may read. */
export async function listPartners(_authorized: TeamContext, rows: Promise<Page<PartnerItem>>) {
  const result = await rows;
  return { items: result.items.map(partnerView), nextCursor: result.nextCursor };
}

function activePartner(request: Loaded, ctx: TeamContext, userId: string): PartnerItem {
  const partner = request.loaded<PartnerItem>(keys.teamPartner(ctx.team.teamId, userId));
  if (!partner) throw notFound('partner');
  if (partner.status !== 'active') {
    throw conflict('invalid_state', 'This partner invitation is still pending: decide or withdraw the invitation instead.');
  }
  return partner;
}

export async function updatePartnerPermission(request: Loaded, ctx: TeamContext, userId: string, permission: PartnerPermission, now: Date) {
  if (!ctx.access.canManagePartners) throw forbidden('Only the team Owner/Admins and workspace Owner/Admins manage partners.');
  const partner = activePartner(request, ctx, userId);
  const at = now.toISOString();
  if (partner.permission === permission) return partnerView(partner);
  await transact(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.teamPartner(ctx.team.teamId, userId),
          UpdateExpression: 'SET #perm = :perm, updatedAt = :at',
          ConditionExpression: '#status = :active AND invitationId = :inv',
          ExpressionAttributeNames: { '#perm': 'permission', '#status': 'status' },
          ExpressionAttributeValues: { ':perm': permission, ':at': at, ':active': 'active', ':inv': partner.invitationId },
        },
      },
      ...activityItems([workspaceScope(ctx.team.workspaceId)], {
        actorId: ctx.user.userId,
        action: 'team_partner.permission_changed',
        target: { type: 'team', id: ctx.team.teamId },
        data: { userId, from: partner.permission, to: permission },
        at,
      }),
      ...notificationItems({
        template: 'team_partner.permission_changed',
        to: [partner.email],
        data: { teamId: ctx.team.teamId, teamName: ctx.team.name, permission },
        at,
      }),
    ],
    () => notFound('partner'),
  );
  return partnerView({ ...partner, permission, updatedAt: at });
}

export async function removePartner(request: Loaded, ctx: TeamContext, userId: string, now: Date) {
  const leaving = ctx.access.as === 'partner' && userId === ctx.user.userId;
  if (!leaving && !ctx.access.canManagePartners) throw forbidden('Only the team Owner/Admins and workspace Owner/Admins remove partners.');
  const partner = activePartner(request, ctx, userId);
  const at = now.toISOString();
  const inv = { invitationId: partner.invitationId, workspaceId: partner.workspaceId, createdAt: '', status: 'active' } as InvitationRecord;
  await transact(
    [
      {
        Delete: {
          TableName: tableName(),
          Key: keys.teamPartner(ctx.team.teamId, userId),
          ConditionExpression: '#status = :active AND invitationId = :inv',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ':inv': partner.invitationId },
        },
      },
      removedInvitationUpdate(inv, at),
      ...activityItems([workspaceScope(ctx.team.workspaceId)], {
        actorId: ctx.user.userId,
        action: leaving ? 'team_partner.left' : 'team_partner.removed',
        target: { type: 'team', id: ctx.team.teamId },
        data: { userId },
        at,
      }),
      ...(leaving
        ? []
        : notificationItems({
            template: 'team_partner.removed',
            to: [partner.email],
            data: { teamId: ctx.team.teamId, teamName: ctx.team.name },
            at,
          })),
    ],
    () => notFound('partner'),
  );
}

/** The invitation behind a removed partner moves to `removed` (its createdAt is kept from the item). */
function removedInvitationUpdate(inv: Pick<InvitationRecord, 'invitationId' | 'workspaceId'>, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.partnerInvitation(inv.invitationId),
      UpdateExpression: 'SET #status = :removed, updatedAt = :at, #g1pk = :g1pk',
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status', '#g1pk': G1PK },
      ExpressionAttributeValues: {
        ':removed': 'removed',
        ':active': 'active',
        ':at': at,
        ':g1pk': keys.partnerInvitationsPartition(inv.workspaceId, 'removed'),
      },
    },
  };
}

/** GET /me: the teams where the caller is an active partner (one Query of the sparse index). */
export async function partnerTeamsOf(userId: string) {
  const pk = keys.partnerTeamsPartition(userId);
  const result = await queryPage<PartnerItem>(
    {
      IndexName: TABLE.indexes.byOwner.name,
      KeyConditionExpression: '#pk = :pk',
      // Only what GET /me shows: up to 100 partner items otherwise travel whole.
      ProjectionExpression: 'teamId, workspaceId, #permission, updatedAt',
      ExpressionAttributeNames: { '#pk': G1PK, '#permission': 'permission' },
      ExpressionAttributeValues: { ':pk': pk },
    },
    { limit: 100, scope: pk },
  );
  return result.items.map((p) => ({ teamId: p.teamId, workspaceId: p.workspaceId, permission: p.permission, since: p.updatedAt }));
}
