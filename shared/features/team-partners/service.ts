/**
 * Team partners and partner invitations (SPEC §4). Who may invite, see and manage is decided by the
 * team authorization (features/teams/access.ts); invitations by a workspace Owner/Admin are active at
 * once, the others wait for a workspace Owner/Admin's decision (Manage Partners). Every use case reads
 * in one or two BatchGets and writes one transaction; a lost race reads again and decides again.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { isWorkspaceAdmin } from '../../domain/identity';
import {
  checkInvitationEntries,
  expiresAt,
  firstDueAt,
  invitationBatchErrorCode,
  type InvitationRecord,
  type InvitationStatus,
  type PartnerPermission,
  type PartnerRecord,
} from '../../domain/teams';
import { businessRule, conflict, forbidden, notFound } from '../../errors';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity } from '../../store/activity';
import { recordEvent, subjects } from '../events/record';
import { normalizeEmail } from '../../store/keys';
import { adminEmailsOf } from '../../store/users';
import { blocksInvitee, trusts } from '../../domain/partnership-policy';
import { TEAM_PARTNER_CONDITIONS, type StoredInvitation, type StoredPartner } from '../../store/team-partners';
import { newTeamScopedId, teamOfScopedId } from '../../store/teams';
import { readTeamAccess, teamAccess } from '../teams/access';
import { workspaceScope } from '../teams/service';

// ---- views ----------------------------------------------------------------------------------------

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

const invalidState = (status: string) => conflict('invalid_state', `The invitation is ${status}: it cannot be decided or withdrawn now.`);
/** A pending invitation never becomes pending again: a failed status condition is final. */
const decidedMeanwhile = () => conflict('invalid_state', 'The invitation was decided or withdrawn concurrently.');

// ---- POST /teams/{id}/partner-invitations ------------------------------------------------------

/**
 * Invites 1..20 users of other workspaces, all or nothing. Reads: the caller's access with the
 * e-mails' owners, then the invitees, their relations with the team, the team workspace (its admin
 * directory: the deciders) and its partner policy; one transaction. The policy (SPEC §10) refuses an
 * entry whose user's home workspace or e-mail domain it blocks (partner_blocked), and makes active at
 * once an invitation of a user of a workspace it trusts (no Owner/Admin approval).
 */
export function invitePartners(ctx: UseCaseContext, teamId: string, entries: Array<{ email: string; permission: PartnerPermission }>) {
  const { users, teamPartners, policies } = ctx.store;
  const normalized = entries.map((e) => ({ email: normalizeEmail(e.email), permission: e.permission }));
  return optimistic(ctx.store, async () => {
    const [{ me, team, access }, inviteeIds] = await Promise.all([
      teamAccess(ctx, teamId),
      Promise.all(normalized.map((e) => users.idByEmail(e.email))),
    ]);
    const maxPermission = access.canInvitePartners ? access.maxInvitePermission : null;
    if (!maxPermission) {
      throw forbidden(
        "Only the team's creator, Owner/Admins, workspace Owner/Admins and partners with edit_and_invite can invite partners.",
      );
    }
    const [invitees, relations, workspace, policy] = await Promise.all([
      Promise.all(inviteeIds.map((id) => (id ? users.get(id) : Promise.resolve(undefined)))),
      Promise.all(inviteeIds.map((id) => (id ? teamPartners.partner(team.teamId, id) : Promise.resolve(undefined)))),
      // The deciders of pending invitations (the workspace's admin directory) and its partner policy.
      users.workspace(team.workspaceId),
      policies.get(team.workspaceId),
    ]);

    const errors = checkInvitationEntries(
      team,
      maxPermission,
      normalized.map((e, i) => {
        const invitee = invitees[i];
        return {
          ...e,
          invitee,
          existing: invitee ? relations[i] : undefined,
          blocked: blocksInvitee(policy, { email: e.email, workspaceId: invitee?.workspaceId }),
        };
      }),
    );
    if (errors.length > 0) {
      const { code, conflict: isConflict } = invitationBatchErrorCode(errors);
      const message = 'Some invitations are not valid; none was sent.';
      throw isConflict ? conflict(code, message, errors) : businessRule(code, message, errors);
    }

    const at = ctx.at;
    const invitations: InvitationRecord[] = normalized.map((e, i) => {
      const invitee = invitees[i];
      // checkInvitationEntries refused every entry without a registered invitee in another workspace.
      if (!invitee?.workspaceId) throw new Error('invitee checked above');
      // A workspace Owner/Admin's invitations are active at once; so is anyone's of a user of a trusted workspace.
      const byPolicy = !access.invitesActiveAtOnce && trusts(policy, invitee.workspaceId);
      const activeAtOnce = access.invitesActiveAtOnce || byPolicy;
      return {
        invitationId: newTeamScopedId(team.teamId, ctx.now),
        teamId: team.teamId,
        teamName: team.name,
        workspaceId: team.workspaceId,
        userId: invitee.userId,
        email: invitee.email,
        partnerWorkspaceId: invitee.workspaceId,
        permission: e.permission,
        status: activeAtOnce ? 'active' : 'pending',
        invitedBy: me.userId,
        inviterEmail: normalizeEmail(me.email),
        createdAt: at,
        updatedAt: at,
        ...(activeAtOnce ? { decidedBy: byPolicy ? TRUSTED_BY_POLICY : me.userId, decidedAt: at } : {}),
      };
    });
    const active = invitations.filter((i) => i.status === 'active');
    const pending = invitations.filter((i) => i.status === 'pending');

    const tx = ctx.store.transaction();
    for (const invitation of invitations) teamPartners.invite(tx, invitation, invitation.status === 'active' ? undefined : firstDueAt(at));
    // The inviter still has the right to invite when the write commits: a partner inviter is still an
    // active edit_and_invite partner; for the others, the team still exists.
    if (access.as === 'partner') teamPartners.requireActorPermission(tx, team.teamId, me.userId, 'edit_and_invite');
    else ctx.store.teams.requireTeam(tx, team.teamId);
    const entriesOf = (list: InvitationRecord[]) =>
      list.map((i) => ({
        invitationId: i.invitationId,
        userId: i.userId,
        email: i.email,
        permission: i.permission,
        status: i.status,
        ...(i.decidedBy === TRUSTED_BY_POLICY ? { activatedBy: 'policy' } : {}),
      }));
    // One event per request (up to 20 invitations: one per invitation would crowd the transaction).
    recordEvent(ctx, tx, 'team_partner.invitations_created.v1', {
      subject: subjects.team(team.teamId),
      data: {
        workspaceId: team.workspaceId,
        teamId: team.teamId,
        invitedBy: me.userId,
        invitations: invitations.map((i) => ({
          invitationId: i.invitationId,
          userId: i.userId,
          partnerWorkspaceId: i.partnerWorkspaceId,
          permission: i.permission,
          status: i.status === 'active' ? ('active' as const) : ('pending' as const),
          ...(i.status === 'active' ? { activatedBy: i.decidedBy === TRUSTED_BY_POLICY ? ('policy' as const) : ('inviter' as const) } : {}),
        })),
      },
      audience: [team.workspaceId],
    });
    const summaryOf = (list: InvitationRecord[]) =>
      list.map((i) => ({ invitationId: i.invitationId, email: i.email, permission: i.permission }));
    if (active.length > 0) {
      appendActivity(tx, [workspaceScope(team.workspaceId)], {
        actorId: me.userId,
        action: 'team_partner.added',
        target: { type: 'team', id: team.teamId },
        data: { invitations: entriesOf(active) },
        at,
      });
      // A decision at once: each partner and the inviter are told.
      for (const inv of active) {
        notify(tx, {
          template: 'team_partner.activated',
          to: [inv.email],
          data: {
            teamId: team.teamId,
            teamName: team.name,
            invitationId: inv.invitationId,
            permission: inv.permission,
            invitedBy: me.userId,
            inviterName: me.name,
            inviterEmail: normalizeEmail(me.email),
          },
          at,
        });
      }
      notify(tx, {
        template: 'team_partner.activated_summary',
        to: [me.email],
        data: { teamId: team.teamId, teamName: team.name, invitations: summaryOf(active) },
        at,
      });
    }
    if (pending.length > 0) {
      appendActivity(tx, [workspaceScope(team.workspaceId)], {
        actorId: me.userId,
        action: 'team_partner.invited',
        target: { type: 'team', id: team.teamId },
        data: { invitations: entriesOf(pending) },
        at,
      });
      notify(tx, {
        template: 'team_partner.invitation_pending',
        to: workspace ? adminEmailsOf(workspace) : [],
        data: {
          teamId: team.teamId,
          teamName: team.name,
          invitedBy: me.userId,
          inviterEmail: normalizeEmail(me.email),
          invitations: summaryOf(pending),
          workspaceId: team.workspaceId,
          inviterName: me.name,
          expiresAt: expiresAt(at),
        },
        at,
      });
    }
    // A relation created meanwhile (TEAM_PARTNER_CONDITIONS.partnerIsNew) is decided again: the
    // retry reports that entry as already_partner, with the others' errors.
    await tx.commit();
    return { items: invitations.map(invitationView) };
  });
}

/** `decidedBy` of an invitation the team workspace's trusted list made active at once (SPEC §10). */
export const TRUSTED_BY_POLICY = 'policy';

// ---- one invitation -----------------------------------------------------------------------------

/**
 * The invitation with the caller's access to its team (one BatchGet). Visible to the team workspace's
 * Owner/Admins (its deciders), the inviter, the invitee and the team's managers; anyone else gets 404.
 */
async function readInvitation(ctx: UseCaseContext, invitationId: string) {
  const teamId = teamOfScopedId(invitationId);
  if (!teamId) {
    await ctx.me();
    throw notFound('invitation');
  }
  const [{ me, team, access }, invitation] = await Promise.all([
    readTeamAccess(ctx, teamId),
    ctx.store.teamPartners.invitation(invitationId),
  ]);
  if (!invitation) throw notFound('invitation');
  const isDecider = isWorkspaceAdmin(me, invitation.workspaceId);
  const involved = invitation.invitedBy === me.userId || invitation.userId === me.userId;
  const teamManager = team !== undefined && access.visible && access.canManagePartners;
  if (!isDecider && !involved && !teamManager) throw notFound('invitation');
  return { me, invitation, isDecider };
}

function requireDecision(isDecider: boolean, invitation: StoredInvitation): void {
  if (!isDecider) throw forbidden("Only an Owner or Admin of the team's workspace decides partner invitations.");
  if (invitation.status !== 'pending') throw invalidState(invitation.status);
}

/** GET /partner-invitations/{id} */
export async function readPartnerInvitation(ctx: UseCaseContext, invitationId: string) {
  return invitationView((await readInvitation(ctx, invitationId)).invitation);
}

/** POST /partner-invitations/{id}/approve: a workspace Owner/Admin; the partner becomes active. */
export function approveInvitation(ctx: UseCaseContext, invitationId: string) {
  return optimistic(ctx.store, async () => {
    const { me, invitation: inv, isDecider } = await readInvitation(ctx, invitationId);
    requireDecision(isDecider, inv);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.teamPartners.approve(tx, inv, me.userId, at);
    ctx.store.teams.requireTeam(tx, inv.teamId);
    // The decider is still an Owner/Admin of the workspace (a demotion meanwhile is decided again: 403).
    ctx.store.users.requireRole(tx, me.userId, inv.workspaceId, ['owner', 'admin']);
    appendActivity(tx, [workspaceScope(inv.workspaceId)], {
      actorId: me.userId,
      action: 'team_partner.approved',
      target: { type: 'partner_invitation', id: inv.invitationId },
      data: { teamId: inv.teamId, userId: inv.userId, permission: inv.permission },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.invitation_approved.v1', {
      subject: subjects.invitation(inv.invitationId),
      data: {
        workspaceId: inv.workspaceId,
        teamId: inv.teamId,
        invitationId: inv.invitationId,
        userId: inv.userId,
        permission: inv.permission,
      },
      audience: [inv.workspaceId],
    });
    notify(tx, {
      template: 'team_partner.approved',
      to: [inv.inviterEmail, inv.email],
      data: {
        teamId: inv.teamId,
        teamName: inv.teamName,
        invitationId: inv.invitationId,
        email: inv.email,
        permission: inv.permission,
        actorName: me.name,
      },
      at,
    });
    await tx.commit({
      [TEAM_PARTNER_CONDITIONS.invitationStatusIs]: decidedMeanwhile,
      [TEAM_PARTNER_CONDITIONS.partnerPending]: decidedMeanwhile,
    });
    return invitationView({ ...inv, status: 'active', updatedAt: at, decidedBy: me.userId, decidedAt: at });
  });
}

/** POST /partner-invitations/{id}/decline {reason?}: a workspace Owner/Admin. */
export function declineInvitation(ctx: UseCaseContext, invitationId: string, reason: string | undefined) {
  return optimistic(ctx.store, async () => {
    const { me, invitation: inv, isDecider } = await readInvitation(ctx, invitationId);
    requireDecision(isDecider, inv);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.teamPartners.close(tx, inv, 'declined', at, { by: me.userId, reason });
    ctx.store.users.requireRole(tx, me.userId, inv.workspaceId, ['owner', 'admin']);
    appendActivity(tx, [workspaceScope(inv.workspaceId)], {
      actorId: me.userId,
      action: 'team_partner.declined',
      target: { type: 'partner_invitation', id: inv.invitationId },
      data: { teamId: inv.teamId, userId: inv.userId, ...(reason ? { reason } : {}) },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.invitation_declined.v1', {
      subject: subjects.invitation(inv.invitationId),
      data: {
        workspaceId: inv.workspaceId,
        teamId: inv.teamId,
        invitationId: inv.invitationId,
        userId: inv.userId,
        ...(reason ? { reason } : {}),
      },
      audience: [inv.workspaceId],
    });
    notify(tx, {
      template: 'team_partner.declined',
      to: [inv.inviterEmail, inv.email],
      data: {
        teamId: inv.teamId,
        teamName: inv.teamName,
        invitationId: inv.invitationId,
        email: inv.email,
        reason: reason ?? null,
        actorName: me.name,
      },
      at,
    });
    await tx.commit({
      [TEAM_PARTNER_CONDITIONS.invitationStatusIs]: decidedMeanwhile,
      [TEAM_PARTNER_CONDITIONS.partnerPending]: decidedMeanwhile,
    });
    return invitationView({ ...inv, status: 'declined', updatedAt: at, decidedBy: me.userId, decidedAt: at, reason });
  });
}

/** DELETE /partner-invitations/{id}: the inviter withdraws a pending invitation. */
export function withdrawInvitation(ctx: UseCaseContext, invitationId: string) {
  return optimistic(ctx.store, async () => {
    const { me, invitation: inv } = await readInvitation(ctx, invitationId);
    if (inv.invitedBy !== me.userId) throw forbidden('Only the inviter can withdraw an invitation.');
    if (inv.status !== 'pending') throw invalidState(inv.status);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.teamPartners.close(tx, inv, 'withdrawn', at);
    appendActivity(tx, [workspaceScope(inv.workspaceId)], {
      actorId: me.userId,
      action: 'team_partner.withdrawn',
      target: { type: 'partner_invitation', id: inv.invitationId },
      data: { teamId: inv.teamId, userId: inv.userId },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.invitation_withdrawn.v1', {
      subject: subjects.invitation(inv.invitationId),
      data: { workspaceId: inv.workspaceId, teamId: inv.teamId, invitationId: inv.invitationId, userId: inv.userId, byDeparture: false },
      audience: [inv.workspaceId],
    });
    await tx.commit({
      [TEAM_PARTNER_CONDITIONS.invitationStatusIs]: decidedMeanwhile,
      [TEAM_PARTNER_CONDITIONS.partnerPending]: decidedMeanwhile,
    });
  });
}

/** GET /workspaces/{id}/partner-invitations?status= (Manage Partners): the page is shown once the caller is an Owner/Admin. */
export async function listInvitations(ctx: UseCaseContext, workspaceId: string, status: InvitationStatus, page: PageRequest) {
  const rows = early(ctx.store.teamPartners.invitationsPage(workspaceId, status, page));
  const me = await ctx.me();
  if (me.workspaceId !== workspaceId) throw notFound('workspace');
  if (!isWorkspaceAdmin(me, workspaceId)) throw forbidden('Only the workspace Owner/Admins manage partners.');
  const result = await rows;
  return { items: result.items.map(invitationView), nextCursor: result.nextCursor };
}

// ---- partners of a team --------------------------------------------------------------------------

/** GET /teams/{id}/partners: active and pending, for whoever may read the team. */
export async function listPartners(ctx: UseCaseContext, teamId: string, page: PageRequest) {
  const rows = early(ctx.store.teamPartners.partnersPage(teamId, page));
  await teamAccess(ctx, teamId, 'canRead', 'Join the team to see its partners.');
  const result = await rows;
  return { items: result.items.map(partnerView), nextCursor: result.nextCursor };
}

function activePartner(partner: StoredPartner | undefined): StoredPartner {
  if (!partner) throw notFound('partner');
  if (partner.status !== 'active') {
    throw conflict('invalid_state', 'This partner invitation is still pending: decide or withdraw the invitation instead.');
  }
  return partner;
}

/** PATCH /teams/{id}/partners/{userId} {permission}: team Owner/Admins and workspace Owner/Admins. */
export function changePartnerPermission(ctx: UseCaseContext, teamId: string, userId: string, permission: PartnerPermission) {
  return optimistic(ctx.store, async () => {
    const [{ me, team, access }, relation] = await Promise.all([teamAccess(ctx, teamId), ctx.store.teamPartners.partner(teamId, userId)]);
    if (!access.canManagePartners) throw forbidden('Only the team Owner/Admins and workspace Owner/Admins manage partners.');
    const partner = activePartner(relation);
    if (partner.permission === permission) return partnerView(partner);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.teamPartners.setPermission(tx, partner, permission, at);
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: 'team_partner.permission_changed',
      target: { type: 'team', id: team.teamId },
      data: { userId, from: partner.permission, to: permission },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.updated.v1', {
      subject: subjects.team(team.teamId),
      data: { workspaceId: team.workspaceId, teamId: team.teamId, userId, from: partner.permission, to: permission },
      audience: [team.workspaceId],
    });
    notify(tx, {
      template: 'team_partner.permission_changed',
      to: [partner.email],
      data: { teamId: team.teamId, teamName: team.name, permission, actorName: me.name },
      at,
    });
    await tx.commit();
    return partnerView({ ...partner, permission, updatedAt: at });
  });
}

/** DELETE /teams/{id}/partners/{userId}: team Owner/Admins and workspace Owner/Admins remove; a partner may leave. */
export function removePartner(ctx: UseCaseContext, teamId: string, userId: string) {
  return optimistic(ctx.store, async () => {
    const [{ me, team, access }, relation] = await Promise.all([teamAccess(ctx, teamId), ctx.store.teamPartners.partner(teamId, userId)]);
    const leaving = access.as === 'partner' && userId === me.userId;
    if (!leaving && !access.canManagePartners) throw forbidden('Only the team Owner/Admins and workspace Owner/Admins remove partners.');
    const partner = activePartner(relation);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.teamPartners.remove(tx, partner, at);
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: leaving ? 'team_partner.left' : 'team_partner.removed',
      target: { type: 'team', id: team.teamId },
      data: { userId },
      at,
    });
    recordEvent(ctx, tx, 'team_partner.removed.v1', {
      subject: subjects.team(team.teamId),
      data: { workspaceId: team.workspaceId, teamId: team.teamId, userId, left: leaving },
      audience: [team.workspaceId],
    });
    if (!leaving) {
      notify(tx, {
        template: 'team_partner.removed',
        to: [partner.email],
        data: { teamId: team.teamId, teamName: team.name, actorName: me.name },
        at,
      });
    }
    await tx.commit();
  });
}
