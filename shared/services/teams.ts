/** Teams and team members (SPEC §3). */
import { activityItems } from '../data/activity';
import { batchGet, getItem, keyId, putNew, queryPage, sortKeyPrefixCondition, tableName, transact, type Item, type Page, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import { isWorkspaceAdmin } from '../domain/identity';
import {
  resolveTeamAccess,
  type PartnerRecord,
  type TeamAccess,
  type TeamMemberRecord,
  type TeamRecord,
  type TeamRole,
  type TeamVisibility,
} from '../domain/teams';
import { businessRule, conflict, forbidden, notFound, validationFailed } from '../errors';
import type { LegacyRequest as HttpRequest } from '../http/handler';
import { newId } from '../ids';
import { ENTITY, keys, normalizeEmail, type ActivityScope } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import { TABLE } from '../store/table';

export type TeamItem = TeamRecord & { pk: string; sk: string; memberIds?: Set<string> };
export type TeamMemberItem = TeamMemberRecord & { pk: string; sk: string; email?: string };
export type PartnerItem = PartnerRecord & { pk: string; sk: string };

type Loaded = Pick<HttpRequest<unknown, unknown, unknown>, 'user' | 'loaded'>;

export interface TeamContext {
  user: UserRecord;
  team: TeamItem;
  member?: TeamMemberItem;
  partner?: PartnerItem;
  access: TeamAccess;
}

type Right = { [K in keyof TeamAccess]: TeamAccess[K] extends boolean ? K : never }[keyof TeamAccess];

/**
 * Resolves the caller's rights in a team from what the route preloaded (team, own team-member
 * item, own partner item) with the one shared rule, resolveTeamAccess. A team the caller may not
 * see is 404; a right the caller lacks in a team they see is 403.
 */
export function teamContext(request: Loaded, teamId: string, need?: Right, message?: string): TeamContext {
  const team = request.loaded<TeamItem>(keys.team(teamId));
  const member = request.loaded<TeamMemberItem>(keys.teamMember(teamId, request.user.userId));
  const partner = request.loaded<PartnerItem>(keys.teamPartner(teamId, request.user.userId));
  const access = resolveTeamAccess(request.user, team, member, partner);
  if (!team || !access.visible) throw notFound('team');
  if (need && !access[need]) throw forbidden(message ?? 'Your role in this team does not allow this.');
  return { user: request.user, team, member, partner, access };
}

export const workspaceScope = (workspaceId: string): ActivityScope => ({ kind: 'workspace', id: workspaceId });

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

export const memberView = (member: TeamMemberItem) => ({
  userId: member.userId,
  email: member.email ?? null,
  role: member.role,
  joinedAt: member.joinedAt,
});

function memberItem(teamId: string, user: Pick<UserRecord, 'userId' | 'email'>, role: TeamRole, addedBy: string, at: string): Item {
  return {
    ...keys.teamMember(teamId, user.userId),
    type: ENTITY.teamMember,
    teamId,
    userId: user.userId,
    email: user.email,
    role,
    addedBy,
    joinedAt: at,
  };
}

const addToMemberSet = (teamId: string, userId: string): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: keys.team(teamId),
    UpdateExpression: 'ADD memberIds :u',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':u': new Set([userId]) },
  },
});

/** POST /workspaces/{id}/teams */
export async function createTeam(user: UserRecord, workspaceId: string, input: { name: string; visibility: TeamVisibility }, now: Date) {
  if (user.workspaceId !== workspaceId) throw notFound('workspace');
  const at = now.toISOString();
  const teamId = newId(now.getTime());
  const team: TeamRecord = {
    teamId,
    workspaceId,
    name: input.name,
    visibility: input.visibility,
    createdBy: user.userId,
    createdAt: at,
    updatedAt: at,
  };
  await transact(
    [
      putNew({ ...keys.team(teamId), type: ENTITY.team, ...team, memberIds: new Set([user.userId]), ...keys.teamIndex(workspaceId, team.name, teamId) }),
      putNew(memberItem(teamId, user, 'owner', user.userId, at)),
      // The caller is still in that workspace (not removed since the request began).
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.user(user.userId),
          ConditionExpression: 'workspaceId = :ws',
          ExpressionAttributeValues: { ':ws': workspaceId },
        },
      },
      ...activityItems([workspaceScope(workspaceId)], {
        actorId: user.userId,
        action: 'team.created',
        target: { type: 'team', id: teamId },
        data: { name: team.name, visibility: team.visibility },
        at,
      }),
    ],
    (index) => (index === 2 ? notFound('workspace') : conflict('concurrent_update', 'The team was created concurrently; retry.')),
  );
  return teamView(team);
}

/**
 * The Query of GET /workspaces/{id}/teams: one page of the workspace's team index, unfiltered, so
 * that it depends on the path and the caller only and the handler can prefetch it. Cursors are bound
 * to the caller.
 */
export function teamsPage(workspaceId: string, callerId: string, page: { limit: number; cursor?: string }): Promise<Page<TeamItem>> {
  const pk = keys.workspaceTeamsPartition(workspaceId);
  return queryPage<TeamItem>(
    {
      IndexName: TABLE.indexes.byOwner.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.indexes.byOwner.partitionKey },
      ExpressionAttributeValues: { ':pk': pk },
    },
    { ...page, scope: `${pk}#${callerId}` },
  );
}

/**
 * GET /workspaces/{id}/teams: workspace Owner/Admins see every team; other members the open teams
 * and the private ones they belong to. That filter runs here on the page, which gives exactly what
 * a FilterExpression would (DynamoDB also filters after the Limit; the cursor is the same).
 */
export async function listTeams(user: UserRecord, workspaceId: string, rows: Promise<Page<TeamItem>>) {
  // Partners and strangers: the workspace does not exist for them.
  if (user.workspaceId !== workspaceId) throw notFound('workspace');
  const admin = isWorkspaceAdmin(user, workspaceId);
  const result = await rows;
  const visible = admin ? result.items : result.items.filter((team) => team.visibility === 'open' || team.memberIds?.has(user.userId));
  return {
    items: visible.map((team) => ({ ...teamView(team), member: team.memberIds?.has(user.userId) ?? false })),
    nextCursor: result.nextCursor,
  };
}

/** PATCH /teams/{id} */
export async function updateTeam(ctx: TeamContext, input: { name?: string; visibility?: TeamVisibility }, now: Date) {
  if (input.name === undefined && input.visibility === undefined) {
    throw validationFailed([{ field: 'body', issue: 'give name and/or visibility' }]);
  }
  const at = now.toISOString();
  const team = { ...teamView(ctx.team), ...input, updatedAt: at };
  const sets = ['updatedAt = :at', '#name = :name', 'visibility = :vis'];
  const values: Record<string, unknown> = { ':at': at, ':name': team.name, ':vis': team.visibility, ':seen': ctx.team.updatedAt };
  const index = keys.teamIndex(team.workspaceId, team.name, team.teamId);
  sets.push('#g1sk = :g1sk');
  values[':g1sk'] = index[TABLE.indexes.byOwner.sortKey];
  await transact(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.team(team.teamId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'updatedAt = :seen',
          ExpressionAttributeNames: { '#name': 'name', '#g1sk': TABLE.indexes.byOwner.sortKey },
          ExpressionAttributeValues: values,
        },
      },
      ...activityItems([workspaceScope(team.workspaceId)], {
        actorId: ctx.user.userId,
        action: 'team.updated',
        target: { type: 'team', id: team.teamId },
        data: { ...input },
        at,
      }),
    ],
    () => conflict('concurrent_update', 'The team changed concurrently; retry.'),
  );
  return team;
}

/** POST /teams/{id}/join */
export async function joinTeam(ctx: TeamContext, now: Date) {
  if (ctx.access.as === 'team_member') throw conflict('already_member', 'You are already a member of this team.');
  if (ctx.access.as === 'partner') throw forbidden('Partners cannot join teams of the host workspace.');
  if (!ctx.access.canJoin) throw businessRule('team_not_open', 'Only open teams can be joined; ask a team member to add you.');
  const at = now.toISOString();
  const { team, user } = ctx;
  const item = memberItem(team.teamId, user, 'member', user.userId, at);
  await transact(
    [
      putNew(item),
      {
        Update: {
          TableName: tableName(),
          Key: keys.team(team.teamId),
          UpdateExpression: 'ADD memberIds :u',
          ConditionExpression: 'visibility = :open',
          ExpressionAttributeValues: { ':u': new Set([user.userId]), ':open': 'open' },
        },
      },
      ...activityItems([workspaceScope(team.workspaceId)], {
        actorId: user.userId,
        action: 'team.member_joined',
        target: { type: 'team', id: team.teamId },
        data: { userId: user.userId },
        at,
      }),
    ],
    (index) =>
      index === 0
        ? conflict('already_member', 'You are already a member of this team.')
        : businessRule('team_not_open', 'Only open teams can be joined; ask a team member to add you.'),
  );
  return memberView(item as TeamMemberItem);
}

/** POST /teams/{id}/members {email}: a team member adds a colleague of the same workspace. */
export async function addMember(ctx: TeamContext, email: string, now: Date) {
  const { team, user } = ctx;
  const notColleague = () =>
    businessRule('not_workspace_member', 'Only registered members of this workspace can be added to the team.');
  const guard = await getItem<{ userId: string }>(keys.emailGuard(normalizeEmail(email)));
  if (!guard) throw notColleague();
  const found = await batchGet([keys.user(guard.userId), keys.teamMember(team.teamId, guard.userId)]);
  const target = found.get(keyId(keys.user(guard.userId))) as UserRecord | undefined;
  if (!target || target.workspaceId !== team.workspaceId) throw notColleague();
  if (found.get(keyId(keys.teamMember(team.teamId, target.userId)))) {
    throw conflict('already_member', 'This user is already a member of the team.');
  }
  const at = now.toISOString();
  const item = memberItem(team.teamId, target, 'member', user.userId, at);
  await transact(
    [
      putNew(item),
      addToMemberSet(team.teamId, target.userId),
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.user(target.userId),
          ConditionExpression: 'workspaceId = :ws',
          ExpressionAttributeValues: { ':ws': team.workspaceId },
        },
      },
      ...activityItems([workspaceScope(team.workspaceId)], {
        actorId: user.userId,
        action: 'team.member_added',
        target: { type: 'team', id: team.teamId },
        data: { userId: target.userId },
        at,
      }),
      ...notificationItems({
        template: 'team.member_added',
        to: [target.email],
        data: { teamId: team.teamId, teamName: team.name, addedBy: user.userId },
        at,
      }),
    ],
    (index) =>
      index === 0
        ? conflict('already_member', 'This user is already a member of the team.')
        : index === 2
          ? notColleague()
          : notFound('team'),
  );
  return memberView(item as TeamMemberItem);
}

/** The Query of GET /teams/{id}/members (path only: the handler prefetches it). */
export function membersPage(teamId: string, page: { limit: number; cursor?: string }): Promise<Page<TeamMemberItem>> {
  const pk = keys.teamPartition(teamId);
  return queryPage<TeamMemberItem>(sortKeyPrefixCondition(pk, keys.teamMemberPrefix), { ...page, scope: `${pk}#members` });
}

/** GET /teams/{id}/members: takes the TeamContext as proof that the caller may read. */
export async function listMembers(_authorized: TeamContext, rows: Promise<Page<TeamMemberItem>>) {
  const result = await rows;
  return { items: result.items.map(memberView), nextCursor: result.nextCursor };
}

function targetMember(request: Loaded, ctx: TeamContext, userId: string): TeamMemberItem {
  const target = request.loaded<TeamMemberItem>(keys.teamMember(ctx.team.teamId, userId));
  if (!target) throw notFound('team member');
  return target;
}

/** PATCH /teams/{id}/members/{userId} {role} */
export async function updateMemberRole(request: Loaded, ctx: TeamContext, userId: string, role: 'admin' | 'member', now: Date) {
  const target = targetMember(request, ctx, userId);
  if (target.role === 'owner') throw businessRule('team_owner_role_fixed', 'The team Owner\'s role cannot be changed.');
  const at = now.toISOString();
  if (target.role !== role) {
    await transact(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.teamMember(ctx.team.teamId, userId),
            UpdateExpression: 'SET #role = :role, updatedAt = :at',
            ConditionExpression: '#role = :seen',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':role': role, ':at': at, ':seen': target.role },
          },
        },
        ...activityItems([workspaceScope(ctx.team.workspaceId)], {
          actorId: ctx.user.userId,
          action: 'team.member_role_changed',
          target: { type: 'team', id: ctx.team.teamId },
          data: { userId, from: target.role, to: role },
          at,
        }),
      ],
      () => conflict('concurrent_update', 'The member changed concurrently; retry.'),
    );
  }
  return memberView({ ...target, role });
}

/** DELETE /teams/{id}/members/{userId}: managers remove; anyone may leave. The Owner stays. */
export async function removeMember(request: Loaded, ctx: TeamContext, userId: string, now: Date) {
  const self = userId === ctx.user.userId;
  if (!self && !ctx.access.canManageMembers) throw forbidden('Only the team Owner/Admins can remove members.');
  const target = targetMember(request, ctx, userId);
  if (target.role === 'owner') throw businessRule('team_owner_cannot_be_removed', 'The team Owner cannot be removed from the team.');
  const at = now.toISOString();
  await transact(
    [
      {
        Delete: {
          TableName: tableName(),
          Key: keys.teamMember(ctx.team.teamId, userId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName(),
          Key: keys.team(ctx.team.teamId),
          UpdateExpression: 'DELETE memberIds :u',
          ExpressionAttributeValues: { ':u': new Set([userId]) },
        },
      },
      ...activityItems([workspaceScope(ctx.team.workspaceId)], {
        actorId: ctx.user.userId,
        action: self ? 'team.member_left' : 'team.member_removed',
        target: { type: 'team', id: ctx.team.teamId },
        data: { userId },
        at,
      }),
    ],
    () => notFound('team member'),
  );
}
