/**
 * Teams and team members (SPEC §3). Every team route authorizes with `teamAccess` (access.ts), whose
 * reads go out in one BatchGet with whatever else the use case asks for in the same turn; decisions
 * are in shared/domain/teams.ts; each change is one transaction whose named conditions re-check what
 * the decision was based on (a lost race reads again and decides again, in `optimistic`).
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { isWorkspaceAdmin } from '../../domain/identity';
import type { TeamAccess, TeamRecord, TeamRole, TeamVisibility } from '../../domain/teams';
import { businessRule, conflict, forbidden, notFound, validationFailed } from '../../errors';
import { newId } from '../../ids';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity, type ActivityScope } from '../../store/activity';
import { TEAM_CONDITIONS, type StoredTeamMember } from '../../store/teams';
import { USER_CONDITIONS } from '../../store/users';
import { teamAccess } from './access';

// ---- views ----------------------------------------------------------------------------------------

export const teamView = (team: TeamRecord) => ({
  teamId: team.teamId,
  workspaceId: team.workspaceId,
  name: team.name,
  visibility: team.visibility,
  createdBy: team.createdBy,
  createdAt: team.createdAt,
  updatedAt: team.updatedAt,
});

export const accessView = (access: TeamAccess) => ({
  as: access.as,
  teamRole: access.teamRole,
  partnerPermission: access.partnerPermission,
  canWriteWorkItems: access.canWriteWorkItems,
  canManageMembers: access.canManageMembers,
  canEditSettings: access.canEditSettings,
  canInvitePartners: access.canInvitePartners,
  canManagePartners: access.canManagePartners,
});

export const memberView = (member: StoredTeamMember) => ({
  userId: member.userId,
  email: member.email ?? null,
  role: member.role,
  joinedAt: member.joinedAt,
});

/** Team changes are logged in the team's workspace. */
export const workspaceScope = (workspaceId: string): ActivityScope => ({ kind: 'workspace', id: workspaceId });

const alreadyMember = (who: 'You are' | 'This user is') => () => conflict('already_member', `${who} already a member of this team.`);
const teamNotOpen = () => businessRule('team_not_open', 'Only open teams can be joined; ask a team member to add you.');
const notColleague = () => businessRule('not_workspace_member', 'Only registered members of this workspace can be added to the team.');

// ---- teams ----------------------------------------------------------------------------------------

/**
 * POST /workspaces/{id}/teams: a member of the workspace creates a team and becomes its Owner. Its
 * one decision (the caller is in the workspace) is re-checked by a named condition that answers what
 * a retry would (404), so it is not retried: a conflict with a concurrent transaction is a 409
 * concurrent_update that wrote nothing (test/integration/transaction-conflict.test.ts).
 */
export async function createTeam(ctx: UseCaseContext, workspaceId: string, input: { name: string; visibility: TeamVisibility }) {
  const me = await ctx.me();
  if (me.workspaceId !== workspaceId) throw notFound('workspace');
  const at = ctx.at;
  const team: TeamRecord = {
    teamId: newId(ctx.now.getTime()),
    workspaceId,
    name: input.name,
    visibility: input.visibility,
    createdBy: me.userId,
    createdAt: at,
    updatedAt: at,
  };
  const tx = ctx.store.transaction();
  ctx.store.teams.create(tx, team, me);
  // The caller is still in that workspace (not removed since the request began).
  ctx.store.users.requireMembership(tx, me.userId, workspaceId);
  appendActivity(tx, [workspaceScope(workspaceId)], {
    actorId: me.userId,
    action: 'team.created',
    target: { type: 'team', id: team.teamId },
    data: { name: team.name, visibility: team.visibility },
    at,
  });
  await tx.commit({ [USER_CONDITIONS.inWorkspace]: () => notFound('workspace') });
  return teamView(team);
}

/**
 * GET /workspaces/{id}/teams: workspace Owner/Admins see every team; other members the open teams and
 * the private ones they belong to. That filter runs here on the page, which gives exactly what a
 * filter on the Query would (DynamoDB also filters after the Limit; the cursor is the same).
 */
export async function listTeams(ctx: UseCaseContext, workspaceId: string, page: PageRequest) {
  const rows = early(ctx.store.teams.teamsPage(workspaceId, ctx.caller.userId, page));
  const me = await ctx.me();
  // Partners and strangers: the workspace does not exist for them.
  if (me.workspaceId !== workspaceId) throw notFound('workspace');
  const admin = isWorkspaceAdmin(me, workspaceId);
  const result = await rows;
  const visible = admin ? result.items : result.items.filter((team) => team.visibility === 'open' || team.memberIds?.has(me.userId));
  return {
    items: visible.map((team) => ({ ...teamView(team), member: team.memberIds?.has(me.userId) ?? false })),
    nextCursor: result.nextCursor,
  };
}

/** GET /teams/{id}: the team and the caller's rights in it. */
export async function readTeam(ctx: UseCaseContext, teamId: string) {
  const { team, access } = await teamAccess(ctx, teamId);
  return { ...teamView(team), access: accessView(access) };
}

/** PATCH /teams/{id}: team Owner/Admins and workspace Owner/Admins rename it or change its visibility. */
export function updateTeam(ctx: UseCaseContext, teamId: string, input: { name?: string; visibility?: TeamVisibility }) {
  return optimistic(ctx.store, async () => {
    const { me, team } = await teamAccess(
      ctx,
      teamId,
      'canEditSettings',
      'Only the team Owner/Admins and workspace Owner/Admins change team settings.',
    );
    if (input.name === undefined && input.visibility === undefined) {
      throw validationFailed([{ field: 'body', issue: 'give name and/or visibility' }]);
    }
    const at = ctx.at;
    const next = { ...teamView(team), name: input.name ?? team.name, visibility: input.visibility ?? team.visibility, updatedAt: at };
    const tx = ctx.store.transaction();
    ctx.store.teams.updateSettings(tx, team, { name: next.name, visibility: next.visibility, at });
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: 'team.updated',
      target: { type: 'team', id: team.teamId },
      data: { ...input },
      at,
    });
    await tx.commit();
    return next;
  });
}

// ---- members --------------------------------------------------------------------------------------

/** POST /teams/{id}/join: a workspace member joins an open team. */
export function joinTeam(ctx: UseCaseContext, teamId: string) {
  return optimistic(ctx.store, async () => {
    const { me, team, access } = await teamAccess(ctx, teamId);
    if (access.as === 'team_member') throw alreadyMember('You are')();
    if (access.as === 'partner') throw forbidden('Partners cannot join teams of the host workspace.');
    if (!access.canJoin) throw teamNotOpen();
    const at = ctx.at;
    const tx = ctx.store.transaction();
    // Conditioned on the team still being open: a team made private meanwhile is decided again.
    const member = ctx.store.teams.addMember(tx, team.teamId, me, 'member', me.userId, at, { onlyIfOpen: true });
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: 'team.member_joined',
      target: { type: 'team', id: team.teamId },
      data: { userId: me.userId },
      at,
    });
    await tx.commit({ [TEAM_CONDITIONS.memberIsNew]: alreadyMember('You are') });
    return memberView(member);
  });
}

/** POST /teams/{id}/members {email}: a team member adds a colleague of the same workspace. */
export function addMember(ctx: UseCaseContext, teamId: string, email: string) {
  const { users, teams } = ctx.store;
  return optimistic(ctx.store, async () => {
    // The caller's access and the e-mail's owner in one read; then that user and their membership.
    const [{ me, team }, targetId] = await Promise.all([
      teamAccess(ctx, teamId, 'canAddMembers', 'Only members of the team can add colleagues to it.'),
      users.idByEmail(email),
    ]);
    if (!targetId) throw notColleague();
    const [target, existing] = await Promise.all([users.get(targetId), teams.member(team.teamId, targetId)]);
    if (!target || target.workspaceId !== team.workspaceId) throw notColleague();
    if (existing) throw alreadyMember('This user is')();
    const at = ctx.at;
    const tx = ctx.store.transaction();
    const member = teams.addMember(tx, team.teamId, target, 'member', me.userId, at, { onlyIfOpen: false });
    users.requireMembership(tx, target.userId, team.workspaceId);
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: 'team.member_added',
      target: { type: 'team', id: team.teamId },
      data: { userId: target.userId },
      at,
    });
    notify(tx, {
      template: 'team.member_added',
      to: [target.email],
      data: { teamId: team.teamId, teamName: team.name, addedBy: me.userId, actorName: me.name },
      at,
    });
    await tx.commit({
      [TEAM_CONDITIONS.memberIsNew]: alreadyMember('This user is'),
      [USER_CONDITIONS.inWorkspace]: notColleague,
      [TEAM_CONDITIONS.exists]: () => notFound('team'),
    });
    return memberView(member);
  });
}

/** GET /teams/{id}/members: the page is read beside the access check and shown once the caller may read. */
export async function listMembers(ctx: UseCaseContext, teamId: string, page: PageRequest) {
  const rows = early(ctx.store.teams.membersPage(teamId, page));
  await teamAccess(ctx, teamId, 'canRead', 'Join the team to see its members.');
  const result = await rows;
  return { items: result.items.map(memberView), nextCursor: result.nextCursor };
}

/** PATCH /teams/{id}/members/{userId} {role}: team Owner/Admins (and workspace Owner/Admins); never the team Owner's role. */
export function changeMemberRole(ctx: UseCaseContext, teamId: string, userId: string, role: Exclude<TeamRole, 'owner'>) {
  const { teams } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [{ me, team }, target] = await Promise.all([
      teamAccess(ctx, teamId, 'canManageMembers', 'Only the team Owner/Admins change team roles.'),
      teams.member(teamId, userId),
    ]);
    if (!target) throw notFound('team member');
    if (target.role === 'owner') throw businessRule('team_owner_role_fixed', "The team Owner's role cannot be changed.");
    if (target.role !== role) {
      const at = ctx.at;
      const tx = ctx.store.transaction();
      teams.setMemberRole(tx, target, role, at);
      appendActivity(tx, [workspaceScope(team.workspaceId)], {
        actorId: me.userId,
        action: 'team.member_role_changed',
        target: { type: 'team', id: team.teamId },
        data: { userId, from: target.role, to: role },
        at,
      });
      await tx.commit();
    }
    return memberView({ ...target, role });
  });
}

/** DELETE /teams/{id}/members/{userId}: team Owner/Admins remove; anyone may leave; the team Owner stays. */
export function removeMember(ctx: UseCaseContext, teamId: string, userId: string) {
  const { teams } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [{ me, team, access }, target] = await Promise.all([teamAccess(ctx, teamId), teams.member(teamId, userId)]);
    const self = userId === me.userId;
    if (!self && !access.canManageMembers) throw forbidden('Only the team Owner/Admins can remove members.');
    if (!target) throw notFound('team member');
    if (target.role === 'owner') throw businessRule('team_owner_cannot_be_removed', 'The team Owner cannot be removed from the team.');
    const at = ctx.at;
    const tx = ctx.store.transaction();
    teams.removeMember(tx, team.teamId, userId);
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: self ? 'team.member_left' : 'team.member_removed',
      target: { type: 'team', id: team.teamId },
      data: { userId },
      at,
    });
    await tx.commit({ [TEAM_CONDITIONS.memberExists]: () => notFound('team member') });
  });
}
