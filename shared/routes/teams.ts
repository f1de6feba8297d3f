/** Routes of SPEC §3 (teams, work items) and §4 (team partners, partner invitations). */
import * as z from 'zod/mini';
import {
  ASSIGNABLE_TEAM_ROLES,
  INVITATION_STATUSES,
  PARTNER_PERMISSIONS,
  TEAM_VISIBILITIES,
  WORK_ITEM_STATUSES,
} from '../domain/teams';
import { defineRoute } from '../http/route';
import * as s from '../http/schemas';
import { keys, type Key } from '../store/keys';

const teamParams = z.strictObject({ teamId: s.id() });
const workspaceParams = z.strictObject({ workspaceId: s.id() });

/** The team, the caller's team-member item and the caller's partner item: what resolveTeamAccess needs. */
export const teamAccessKeys = (teamId: string, callerId: string): Key[] => [
  keys.team(teamId),
  keys.teamMember(teamId, callerId),
  keys.teamPartner(teamId, callerId),
];
/** Same, for a team-scoped id (work item, invitation); nothing when the id has no team. */
const scopedAccessKeys = (scopedId: string, callerId: string, own: Key): Key[] => {
  const teamId = keys.scopeOf(scopedId);
  return teamId ? [...teamAccessKeys(teamId, callerId), own] : [];
};

const teamView = z.object({
  teamId: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  visibility: z.enum(TEAM_VISIBILITIES),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// ---- teams -----------------------------------------------------------------------------------------

export const createTeam = defineRoute({
  id: 'createTeam',
  method: 'POST',
  path: '/workspaces/{workspaceId}/teams',
  entry: 'functions/teams/create-team.ts',
  summary: 'Create a team in the caller\'s workspace; the creator becomes its Owner.',
  params: workspaceParams,
  body: z.strictObject({ name: s.name(), visibility: z.enum(TEAM_VISIBILITIES) }),
  response: teamView,
  successStatus: 201,
  idempotent: true,
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
  response: s.pageOf(teamView),
  access: { table: 'read' },
});

export const getTeam = defineRoute({
  id: 'getTeam',
  method: 'GET',
  path: '/teams/{teamId}',
  entry: 'functions/teams/get-team.ts',
  summary: 'A team and the caller\'s rights in it (members, workspace Owner/Admins, active partners; open teams: workspace members).',
  params: teamParams,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'read' },
});

export const updateTeam = defineRoute({
  id: 'updateTeam',
  method: 'PATCH',
  path: '/teams/{teamId}',
  entry: 'functions/teams/update-team.ts',
  summary: 'Rename a team or change its visibility (team Owner/Admin, workspace Owner/Admin).',
  params: teamParams,
  body: z.strictObject({ name: z.optional(s.name()), visibility: z.optional(z.enum(TEAM_VISIBILITIES)) }),
  response: teamView,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'readWrite' },
});

export const joinTeam = defineRoute({
  id: 'joinTeam',
  method: 'POST',
  path: '/teams/{teamId}/join',
  entry: 'functions/teams/join-team.ts',
  summary: 'Join an open team of the caller\'s workspace.',
  params: teamParams,
  successStatus: 201,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
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
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
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
  successStatus: 201,
  idempotent: true,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'readWrite' },
});

const memberParams = z.strictObject({ teamId: s.id(), userId: s.id() });

export const updateTeamMember = defineRoute({
  id: 'updateTeamMember',
  method: 'PATCH',
  path: '/teams/{teamId}/members/{userId}',
  entry: 'functions/teams/update-member.ts',
  summary: 'Change a member\'s team role (team Owner/Admin, workspace Owner/Admin).',
  params: memberParams,
  body: z.strictObject({ role: z.enum(ASSIGNABLE_TEAM_ROLES) }),
  preload: ({ params, callerId }) => [...teamAccessKeys(params.teamId, callerId), keys.teamMember(params.teamId, params.userId)],
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
  preload: ({ params, callerId }) => [...teamAccessKeys(params.teamId, callerId), keys.teamMember(params.teamId, params.userId)],
  access: { table: 'readWrite' },
});

// ---- work items ------------------------------------------------------------------------------------

const workItemView = z.object({
  workItemId: z.string(),
  teamId: z.string(),
  title: z.string(),
  status: z.enum(WORK_ITEM_STATUSES),
  assigneeId: z.nullable(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createWorkItem = defineRoute({
  id: 'createWorkItem',
  method: 'POST',
  path: '/teams/{teamId}/work-items',
  entry: 'functions/work-items/create-work-item.ts',
  summary: 'Create a work item in a team (members; partners with edit rights).',
  params: teamParams,
  body: z.strictObject({ title: s.text(200), assigneeId: z.optional(s.id()) }),
  response: workItemView,
  successStatus: 201,
  idempotent: true,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
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
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'read' },
});

export const updateWorkItem = defineRoute({
  id: 'updateWorkItem',
  method: 'PATCH',
  path: '/work-items/{workItemId}',
  entry: 'functions/work-items/update-work-item.ts',
  summary: 'Change a work item\'s title, status or assignee (assigneeId null unassigns).',
  params: z.strictObject({ workItemId: s.id() }),
  body: z.strictObject({
    title: z.optional(s.text(200)),
    status: z.optional(z.enum(WORK_ITEM_STATUSES)),
    assigneeId: z.optional(z.nullable(s.id())),
  }),
  response: workItemView,
  preload: ({ params, callerId }) => scopedAccessKeys(params.workItemId, callerId, keys.workItem(params.workItemId)),
  access: { table: 'readWrite' },
});

// ---- partner invitations -----------------------------------------------------------------------

const invitationParams = z.strictObject({ invitationId: s.id() });
const invitationPreload = ({ params, callerId }: { params: { invitationId: string }; callerId: string }) =>
  scopedAccessKeys(params.invitationId, callerId, keys.partnerInvitation(params.invitationId));

export const createPartnerInvitations = defineRoute({
  id: 'createPartnerInvitations',
  method: 'POST',
  path: '/teams/{teamId}/partner-invitations',
  entry: 'functions/partner-invitations/create-invitations.ts',
  summary: 'Invite 1..20 users of other workspaces as partners of a team, all or nothing.',
  params: teamParams,
  body: z.strictObject({
    invitations: z
      .array(z.strictObject({ email: s.email(), permission: z.enum(PARTNER_PERMISSIONS) }))
      .check(z.minLength(1), z.maxLength(20)),
  }),
  successStatus: 201,
  idempotent: true,
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'readWrite' },
});

export const listPartnerInvitations = defineRoute({
  id: 'listPartnerInvitations',
  method: 'GET',
  path: '/workspaces/{workspaceId}/partner-invitations',
  entry: 'functions/partner-invitations/list-invitations.ts',
  summary: 'Manage Partners: the workspace\'s partner invitations by status, newest first (Owner/Admin).',
  params: workspaceParams,
  query: z.strictObject({
    status: z.prefault(z.enum(INVITATION_STATUSES), 'pending'),
    limit: s.limit(),
    cursor: s.cursor(),
  }),
  access: { table: 'read' },
});

export const getPartnerInvitation = defineRoute({
  id: 'getPartnerInvitation',
  method: 'GET',
  path: '/partner-invitations/{invitationId}',
  entry: 'functions/partner-invitations/get-invitation.ts',
  summary: 'One partner invitation (workspace Owner/Admins, the inviter, the invitee).',
  params: invitationParams,
  preload: invitationPreload,
  access: { table: 'read' },
});

export const approvePartnerInvitation = defineRoute({
  id: 'approvePartnerInvitation',
  method: 'POST',
  path: '/partner-invitations/{invitationId}/approve',
  entry: 'functions/partner-invitations/approve-invitation.ts',
  summary: 'Approve a pending partner invitation (workspace Owner/Admin): the partner becomes active.',
  params: invitationParams,
  preload: invitationPreload,
  access: { table: 'readWrite' },
});

export const declinePartnerInvitation = defineRoute({
  id: 'declinePartnerInvitation',
  method: 'POST',
  path: '/partner-invitations/{invitationId}/decline',
  entry: 'functions/partner-invitations/decline-invitation.ts',
  summary: 'Decline a pending partner invitation (workspace Owner/Admin).',
  params: invitationParams,
  body: z.strictObject({ reason: z.optional(s.text(500)) }),
  preload: invitationPreload,
  access: { table: 'readWrite' },
});

export const withdrawPartnerInvitation = defineRoute({
  id: 'withdrawPartnerInvitation',
  method: 'DELETE',
  path: '/partner-invitations/{invitationId}',
  entry: 'functions/partner-invitations/withdraw-invitation.ts',
  summary: 'The inviter withdraws a pending partner invitation.',
  params: invitationParams,
  successStatus: 204,
  preload: invitationPreload,
  access: { table: 'readWrite' },
});

// ---- team partners -----------------------------------------------------------------------------

const partnerParams = z.strictObject({ teamId: s.id(), userId: s.id() });

export const listTeamPartners = defineRoute({
  id: 'listTeamPartners',
  method: 'GET',
  path: '/teams/{teamId}/partners',
  entry: 'functions/teams/list-partners.ts',
  summary: 'Partners of a team (active and pending) and their permissions.',
  params: teamParams,
  query: s.listQuery(),
  preload: ({ params, callerId }) => teamAccessKeys(params.teamId, callerId),
  access: { table: 'read' },
});

export const updateTeamPartner = defineRoute({
  id: 'updateTeamPartner',
  method: 'PATCH',
  path: '/teams/{teamId}/partners/{userId}',
  entry: 'functions/teams/update-partner.ts',
  summary: 'Change an active partner\'s permission (team Owner/Admin, workspace Owner/Admin).',
  params: partnerParams,
  body: z.strictObject({ permission: z.enum(PARTNER_PERMISSIONS) }),
  preload: ({ params, callerId }) => [...teamAccessKeys(params.teamId, callerId), keys.teamPartner(params.teamId, params.userId)],
  access: { table: 'readWrite' },
});

export const removeTeamPartner = defineRoute({
  id: 'removeTeamPartner',
  method: 'DELETE',
  path: '/teams/{teamId}/partners/{userId}',
  entry: 'functions/teams/remove-partner.ts',
  summary: 'Remove an active partner (team Owner/Admin, workspace Owner/Admin); a partner may leave.',
  params: partnerParams,
  successStatus: 204,
  preload: ({ params, callerId }) => [...teamAccessKeys(params.teamId, callerId), keys.teamPartner(params.teamId, params.userId)],
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
  createPartnerInvitations,
  listPartnerInvitations,
  getPartnerInvitation,
  approvePartnerInvitation,
  declinePartnerInvitation,
  withdrawPartnerInvitation,
  listTeamPartners,
  updateTeamPartner,
  removeTeamPartner,
];
