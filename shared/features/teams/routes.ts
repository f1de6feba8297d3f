/** Routes of SPEC §3: teams, team members, work items. */
import * as z from 'zod/mini';
import {
  ASSIGNABLE_TEAM_ROLES,
  PARTNER_PERMISSIONS,
  TEAM_ROLES,
  TEAM_VISIBILITIES,
  WORK_ITEM_STATUSES,
  type TeamAccess,
} from '../../domain/teams';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const teamParams = z.strictObject({ teamId: s.id() });
const workspaceParams = z.strictObject({ workspaceId: s.id() });

const teamFields = z.object({
  teamId: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  visibility: z.enum(TEAM_VISIBILITIES),
  createdBy: z.string(),
  createdAt: s.time(),
  updatedAt: s.time(),
});
const teamView = s.named('Team', teamFields);
const TEAM_RELATIONS = ['team_member', 'workspace_admin', 'workspace_member', 'partner', 'none'] as const satisfies ReadonlyArray<
  TeamAccess['as']
>;
const teamWithAccess = s.named(
  'TeamDetails',
  z.extend(teamFields, {
    access: z.object({
      as: z.enum(TEAM_RELATIONS),
      teamRole: z.nullable(z.enum(TEAM_ROLES)),
      partnerPermission: z.nullable(z.enum(PARTNER_PERMISSIONS)),
      canWriteWorkItems: z.boolean(),
      canManageMembers: z.boolean(),
      canEditSettings: z.boolean(),
      canInvitePartners: z.boolean(),
      canManagePartners: z.boolean(),
    }),
  }),
);
/** A team member; `email` is null for members added before e-mails were kept on the member item. */
const memberView = s.named(
  'TeamMember',
  z.object({ userId: z.string(), email: z.nullable(z.string()), role: z.enum(TEAM_ROLES), joinedAt: s.time() }),
);

// ---- teams -----------------------------------------------------------------------------------------

export const createTeam = defineRoute({
  id: 'createTeam',
  method: 'POST',
  path: '/workspaces/{workspaceId}/teams',
  entry: 'functions/teams/create-team.ts',
  summary: "Create a team in the caller's workspace; the creator becomes its Owner.",
  params: workspaceParams,
  body: z.strictObject({ name: s.name(), visibility: z.enum(TEAM_VISIBILITIES) }),
  response: teamView,
  successStatus: 201,
  idempotent: true,
  errors: { 404: ['not_found'] },
  access: { table: 'readWrite' },
});

export const listTeams = defineRoute({
  id: 'listTeams',
  method: 'GET',
  path: '/workspaces/{workspaceId}/teams',
  entry: 'functions/teams/list-teams.ts',
  summary: 'Open teams and the private teams the caller belongs to (workspace Owner/Admin: all), by name.',
  params: workspaceParams,
  query: s.listQuery(),
  response: s.pageOf(s.named('TeamListItem', z.extend(teamFields, { member: z.boolean() }))),
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const getTeam = defineRoute({
  id: 'getTeam',
  method: 'GET',
  path: '/teams/{teamId}',
  entry: 'functions/teams/get-team.ts',
  summary: "A team and the caller's rights in it (members, workspace Owner/Admins, active partners; open teams: workspace members).",
  params: teamParams,
  response: teamWithAccess,
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const updateTeam = defineRoute({
  id: 'updateTeam',
  method: 'PATCH',
  path: '/teams/{teamId}',
  entry: 'functions/teams/update-team.ts',
  summary: 'Rename a team or change its visibility (team Owner/Admin, workspace Owner/Admin).',
  params: teamParams,
  body: s.patch({ name: z.optional(s.name()), visibility: z.optional(z.enum(TEAM_VISIBILITIES)) }),
  response: teamView,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite' },
});

export const joinTeam = defineRoute({
  id: 'joinTeam',
  method: 'POST',
  path: '/teams/{teamId}/join',
  entry: 'functions/teams/join-team.ts',
  summary: "Join an open team of the caller's workspace.",
  params: teamParams,
  response: memberView,
  successStatus: 201,
  idempotent: true,
  errors: { 403: ['forbidden'], 404: ['not_found'], 409: ['already_member'], 422: ['team_not_open'] },
  access: { table: 'readWrite' },
});

export const listTeamMembers = defineRoute({
  id: 'listTeamMembers',
  method: 'GET',
  path: '/teams/{teamId}/members',
  entry: 'functions/teams/list-members.ts',
  summary: 'Members of a team and their team roles.',
  params: teamParams,
  query: s.listQuery(),
  response: s.pageOf(memberView),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const addTeamMember = defineRoute({
  id: 'addTeamMember',
  method: 'POST',
  path: '/teams/{teamId}/members',
  entry: 'functions/teams/add-member.ts',
  summary: 'A team member adds a colleague of the same workspace.',
  params: teamParams,
  body: z.strictObject({ email: s.email() }),
  response: memberView,
  successStatus: 201,
  idempotent: true,
  errors: { 403: ['forbidden'], 404: ['not_found'], 409: ['already_member'], 422: ['not_workspace_member'] },
  access: { table: 'readWrite' },
});

const memberParams = z.strictObject({ teamId: s.id(), userId: s.id() });

export const updateTeamMember = defineRoute({
  id: 'updateTeamMember',
  method: 'PATCH',
  path: '/teams/{teamId}/members/{userId}',
  entry: 'functions/teams/update-member.ts',
  summary: "Change a member's team role (team Owner/Admin, workspace Owner/Admin).",
  params: memberParams,
  body: z.strictObject({ role: z.enum(ASSIGNABLE_TEAM_ROLES) }),
  response: memberView,
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['team_owner_role_fixed'] },
  access: { table: 'readWrite' },
});

export const removeTeamMember = defineRoute({
  id: 'removeTeamMember',
  method: 'DELETE',
  path: '/teams/{teamId}/members/{userId}',
  entry: 'functions/teams/remove-member.ts',
  summary: 'Remove a member (team Owner/Admin, workspace Owner/Admin); a member may leave.',
  params: memberParams,
  successStatus: 204,
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['team_owner_cannot_be_removed'] },
  access: { table: 'readWrite' },
});

// ---- work items ------------------------------------------------------------------------------------

const workItemView = s.named(
  'WorkItem',
  z.object({
    workItemId: z.string(),
    teamId: z.string(),
    title: z.string(),
    status: z.enum(WORK_ITEM_STATUSES),
    assigneeId: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);
const workItemErrors = { 403: ['forbidden'], 404: ['not_found'], 422: ['assignee_view_only', 'assignee_not_in_team'] };

export const createWorkItem = defineRoute({
  id: 'createWorkItem',
  method: 'POST',
  path: '/teams/{teamId}/work-items',
  entry: 'functions/work-items/create-work-item.ts',
  summary: 'Create a work item in a team (members; partners with edit rights).',
  params: teamParams,
  body: z.strictObject({ title: s.title(200), assigneeId: z.optional(s.id()) }),
  response: workItemView,
  successStatus: 201,
  idempotent: true,
  errors: workItemErrors,
  access: { table: 'readWrite' },
});

export const listWorkItems = defineRoute({
  id: 'listWorkItems',
  method: 'GET',
  path: '/teams/{teamId}/work-items',
  entry: 'functions/work-items/list-work-items.ts',
  summary: 'Work items of a team, oldest first.',
  params: teamParams,
  query: s.listQuery(),
  response: s.pageOf(workItemView),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const updateWorkItem = defineRoute({
  id: 'updateWorkItem',
  method: 'PATCH',
  path: '/work-items/{workItemId}',
  entry: 'functions/work-items/update-work-item.ts',
  summary: "Change a work item's title, status or assignee (assigneeId null unassigns).",
  params: z.strictObject({ workItemId: s.id() }),
  body: s.patch({
    title: z.optional(s.title(200)),
    status: z.optional(z.enum(WORK_ITEM_STATUSES)),
    assigneeId: z.optional(z.nullable(s.id())),
  }),
  response: workItemView,
  errors: workItemErrors,
  access: { table: 'readWrite' },
});

export const teamRoutes = [
  createTeam,
  listTeams,
  getTeam,
  updateTeam,
  joinTeam,
  listTeamMembers,
  addTeamMember,
  updateTeamMember,
  removeTeamMember,
  createWorkItem,
  listWorkItems,
  updateWorkItem,
];
