/** Routes of SPEC §4: partner invitations (Manage Partners) and the partners of a team. */
import * as z from 'zod/mini';
import { INVITATION_STATUSES, PARTNER_PERMISSIONS } from '../../domain/teams';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const teamParams = z.strictObject({ teamId: s.id() });
const workspaceParams = z.strictObject({ workspaceId: s.id() });

// ---- partner invitations -----------------------------------------------------------------------

const invitationParams = z.strictObject({ invitationId: s.id() });

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
  access: { table: 'read' },
});

export const getPartnerInvitation = defineRoute({
  id: 'getPartnerInvitation',
  method: 'GET',
  path: '/partner-invitations/{invitationId}',
  entry: 'functions/partner-invitations/get-invitation.ts',
  summary: 'One partner invitation (workspace Owner/Admins, the inviter, the invitee).',
  params: invitationParams,
  access: { table: 'read' },
});

export const approvePartnerInvitation = defineRoute({
  id: 'approvePartnerInvitation',
  method: 'POST',
  path: '/partner-invitations/{invitationId}/approve',
  entry: 'functions/partner-invitations/approve-invitation.ts',
  summary: 'Approve a pending partner invitation (workspace Owner/Admin): the partner becomes active.',
  params: invitationParams,
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
