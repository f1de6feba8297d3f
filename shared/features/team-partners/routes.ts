/** Routes of SPEC §4: partner invitations (Manage Partners) and the partners of a team. */
import * as z from 'zod/mini';
import { INVITATION_STATUSES, PARTNER_PERMISSIONS } from '../../domain/teams';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const teamParams = z.strictObject({ teamId: s.id() });
const workspaceParams = z.strictObject({ workspaceId: s.id() });

// ---- partner invitations -----------------------------------------------------------------------

const invitationParams = z.strictObject({ invitationId: s.id() });
const invitationView = s.named(
  'PartnerInvitation',
  z.object({
    invitationId: z.string(),
    teamId: z.string(),
    teamName: z.string(),
    workspaceId: z.string(),
    userId: z.string(),
    email: z.string(),
    permission: z.enum(PARTNER_PERMISSIONS),
    status: z.enum(INVITATION_STATUSES),
    invitedBy: z.string(),
    inviterEmail: z.string(),
    createdAt: s.time(),
    updatedAt: s.time(),
    decidedBy: z.nullable(z.string()),
    decidedAt: z.nullable(s.time()),
    reason: z.nullable(z.string()),
  }),
);
/** The answers of a decision on one invitation or partner. */
const decision = { 403: ['forbidden'], 404: ['not_found'], 409: ['invalid_state'] };

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
  response: z.object({ items: z.array(invitationView) }),
  successStatus: 201,
  idempotent: true,
  errors: {
    403: ['forbidden'],
    404: ['not_found'],
    409: ['already_partner'],
    422: ['partner_not_registered', 'same_workspace', 'permission_too_high', 'partner_blocked', 'invalid_invitations'],
  },
  access: { table: 'readWrite' },
});

export const listPartnerInvitations = defineRoute({
  id: 'listPartnerInvitations',
  method: 'GET',
  path: '/workspaces/{workspaceId}/partner-invitations',
  entry: 'functions/partner-invitations/list-invitations.ts',
  summary: "Manage Partners: the workspace's partner invitations by status, newest first (Owner/Admin).",
  params: workspaceParams,
  query: z.strictObject({
    status: z.prefault(z.enum(INVITATION_STATUSES), 'pending'),
    limit: s.limit(),
    cursor: s.cursor(),
  }),
  response: s.pageOf(invitationView),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const getPartnerInvitation = defineRoute({
  id: 'getPartnerInvitation',
  method: 'GET',
  path: '/partner-invitations/{invitationId}',
  entry: 'functions/partner-invitations/get-invitation.ts',
  summary: 'One partner invitation (workspace Owner/Admins, the inviter, the invitee).',
  params: invitationParams,
  response: invitationView,
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const approvePartnerInvitation = defineRoute({
  id: 'approvePartnerInvitation',
  method: 'POST',
  path: '/partner-invitations/{invitationId}/approve',
  entry: 'functions/partner-invitations/approve-invitation.ts',
  summary: 'Approve a pending partner invitation (workspace Owner/Admin): the partner becomes active.',
  params: invitationParams,
  response: invitationView,
  errors: decision,
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
  response: invitationView,
  errors: decision,
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
  errors: decision,
  access: { table: 'readWrite' },
});

// ---- team partners -----------------------------------------------------------------------------

const partnerParams = z.strictObject({ teamId: s.id(), userId: s.id() });
const partnerView = s.named(
  'TeamPartner',
  z.object({
    userId: z.string(),
    email: z.string(),
    teamId: z.string(),
    partnerWorkspaceId: z.string(),
    status: z.enum(['pending', 'active']),
    permission: z.enum(PARTNER_PERMISSIONS),
    invitationId: z.string(),
    invitedBy: z.string(),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);

export const listTeamPartners = defineRoute({
  id: 'listTeamPartners',
  method: 'GET',
  path: '/teams/{teamId}/partners',
  entry: 'functions/teams/list-partners.ts',
  summary: 'Partners of a team (active and pending) and their permissions.',
  params: teamParams,
  query: s.listQuery(),
  response: s.pageOf(partnerView),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const updateTeamPartner = defineRoute({
  id: 'updateTeamPartner',
  method: 'PATCH',
  path: '/teams/{teamId}/partners/{userId}',
  entry: 'functions/teams/update-partner.ts',
  summary: "Change an active partner's permission (team Owner/Admin, workspace Owner/Admin).",
  params: partnerParams,
  body: z.strictObject({ permission: z.enum(PARTNER_PERMISSIONS) }),
  response: partnerView,
  errors: decision,
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
  errors: decision,
  access: { table: 'readWrite' },
});

export const teamPartnerRoutes = [
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
