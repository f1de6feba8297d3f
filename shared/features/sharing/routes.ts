/** Routes of SPEC §6 (accounts shared through an active partnership, logins, access requests, activity). */
import * as z from 'zod/mini';
import { ACCESS_REQUEST_STATUSES, SHARE_ROLES, type LoginVia } from '../../domain/sharing';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const workspaceParams = z.strictObject({ workspaceId: s.id() });
const partnershipParams = z.strictObject({ partnershipId: s.id() });
const accessRequestParams = z.strictObject({ accessRequestId: s.id() });

const accountView = s.named(
  'Account',
  z.object({
    accountId: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    loginUrl: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: s.time(),
  }),
);
const shareView = s.named(
  'Share',
  z.object({
    partnershipId: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    members: z.array(
      z.object({
        userId: z.string(),
        email: z.string(),
        role: z.enum(SHARE_ROLES),
        sharedAt: s.time(),
        sharedBy: z.string(),
        updatedAt: s.time(),
      }),
    ),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);
const accessRequestView = s.named(
  'AccessRequest',
  z.object({
    accessRequestId: z.string(),
    partnershipId: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    userId: z.string(),
    email: z.string(),
    role: z.literal('collaborator'),
    status: z.enum(ACCESS_REQUEST_STATUSES),
    requestedBy: z.string(),
    requesterEmail: z.string(),
    decision: z.nullable(z.object({ by: z.string(), at: s.time(), reason: z.nullable(z.string()) })),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);
const activityEntry = s.named(
  'ActivityEntry',
  z.object({
    activityId: z.string(),
    at: s.time(),
    actorId: z.string(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    data: z.record(z.string(), z.unknown()),
  }),
);

const LOGIN_VIAS = ['creator', 'host_admin', 'share'] as const satisfies readonly LoginVia[];

/** The answers of a change that needs an active partnership (409 invalid_state otherwise). */
const activeOnly = { 403: ['forbidden'], 404: ['not_found'], 409: ['invalid_state'] };
/** Approval also checks that the account is still shared and the member still a guest member. */
const accessDecision = { ...activeOnly, 422: ['account_not_shared', 'not_guest_member'] };

// ---- accounts ------------------------------------------------------------------------------------------

export const createAccount = defineRoute({
  id: 'createAccount',
  method: 'POST',
  path: '/workspaces/{workspaceId}/accounts',
  entry: 'functions/sharing/create-account.ts',
  summary: 'Any member of the workspace adds an account (a host-workspace resource); they become its creator.',
  params: workspaceParams,
  body: z.strictObject({ name: s.name(), loginUrl: z.optional(s.httpUrl(2048)) }),
  response: accountView,
  successStatus: 201,
  idempotent: true,
  errors: { 404: ['not_found'] },
  access: { table: 'readWrite' },
});

export const listAccounts = defineRoute({
  id: 'listAccounts',
  method: 'GET',
  path: '/workspaces/{workspaceId}/accounts',
  entry: 'functions/sharing/list-accounts.ts',
  summary: "The workspace's accounts (members), oldest first.",
  params: workspaceParams,
  query: s.listQuery(),
  response: s.pageOf(accountView),
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const createLogin = defineRoute({
  id: 'createLogin',
  method: 'POST',
  path: '/accounts/{accountId}/logins',
  entry: 'functions/sharing/create-login.ts',
  summary:
    "A 15-minute login grant for the account's creator, host Owner/Admins or a guest member with a live share on an active partnership (others 403/404). Logins and refusals are logged.",
  params: z.strictObject({ accountId: s.id() }),
  response: s.named(
    'LoginGrant',
    z.object({
      grantId: z.string(),
      accountId: z.string(),
      expiresAt: s.time(),
      loginUrl: z.nullable(z.string()),
      via: z.enum(LOGIN_VIAS),
    }),
  ),
  successStatus: 201,
  idempotent: true,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite' },
});

// ---- shares ----------------------------------------------------------------------------------------------

export const shareAccount = defineRoute({
  id: 'shareAccount',
  method: 'POST',
  path: '/partnerships/{partnershipId}/shares',
  entry: 'functions/sharing/share-account.ts',
  summary:
    'A Partnership Owner shares a host account with guest members (collaborator or manager) of an active partnership; re-sharing sets the role.',
  params: partnershipParams,
  body: z.strictObject({
    accountId: s.id(),
    members: z.array(z.strictObject({ email: s.email(), role: z.enum(SHARE_ROLES) })).check(z.minLength(1), z.maxLength(20)),
  }),
  response: shareView,
  successStatus: 201,
  idempotent: true,
  errors: {
    ...activeOnly,
    422: ['not_guest_member', 'duplicate_member', 'invalid_members', 'too_many_members'],
  },
  access: { table: 'readWrite' },
});

export const listShares = defineRoute({
  id: 'listShares',
  method: 'GET',
  path: '/partnerships/{partnershipId}/shares',
  entry: 'functions/sharing/list-shares.ts',
  summary: 'Accounts shared through the partnership with their guest members (a plain guest member: the accounts shared with them).',
  params: partnershipParams,
  query: s.listQuery(),
  response: s.pageOf(shareView),
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const revokeShare = defineRoute({
  id: 'revokeShare',
  method: 'DELETE',
  path: '/partnerships/{partnershipId}/shares/{accountId}',
  entry: 'functions/sharing/revoke-share.ts',
  summary: 'A Partnership Owner or host Owner/Admin revokes every share of the account in this partnership, at once.',
  params: z.strictObject({ partnershipId: s.id(), accountId: s.id() }),
  successStatus: 204,
  errors: activeOnly,
  access: { table: 'readWrite' },
});

export const removeGuestMember = defineRoute({
  id: 'removeGuestMember',
  method: 'DELETE',
  path: '/partnerships/{partnershipId}/guest-members/{userId}',
  entry: 'functions/sharing/remove-guest-member.ts',
  summary:
    'A Partnership Owner or guest Owner/Admin (or the member themselves) removes a guest member: all their shares in the partnership end at once.',
  params: z.strictObject({ partnershipId: s.id(), userId: s.id() }),
  successStatus: 204,
  errors: activeOnly,
  access: { table: 'readWrite' },
});

// ---- access requests ----------------------------------------------------------------------------------------

export const createAccessRequest = defineRoute({
  id: 'createAccessRequest',
  method: 'POST',
  path: '/partnerships/{partnershipId}/access-requests',
  entry: 'functions/sharing/create-access-request.ts',
  summary:
    'A guest member with a live Manager share asks access (collaborator) to the account for another guest member; Partnership Owners decide.',
  params: partnershipParams,
  body: z.strictObject({ accountId: s.id(), email: s.email(), role: z.literal('collaborator') }),
  response: accessRequestView,
  successStatus: 201,
  idempotent: true,
  errors: { ...activeOnly, 409: ['invalid_state', 'already_shared'], 422: ['not_guest_member'] },
  access: { table: 'readWrite' },
});

export const listAccessRequests = defineRoute({
  id: 'listAccessRequests',
  method: 'GET',
  path: '/partnerships/{partnershipId}/access-requests',
  entry: 'functions/sharing/list-access-requests.ts',
  summary: 'Access requests of the partnership, newest first (a plain guest member: those they made or that are for them).',
  params: partnershipParams,
  query: z.strictObject({ status: z.optional(z.enum(ACCESS_REQUEST_STATUSES)), limit: s.limit(), cursor: s.cursor() }),
  response: s.pageOf(accessRequestView),
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const approveAccessRequest = defineRoute({
  id: 'approveAccessRequest',
  method: 'POST',
  path: '/access-requests/{accessRequestId}/approve',
  entry: 'functions/sharing/approve-access-request.ts',
  summary: 'A Partnership Owner approves an access request: the member becomes a collaborator of the account.',
  params: accessRequestParams,
  response: accessRequestView,
  errors: accessDecision,
  access: { table: 'readWrite' },
});

export const declineAccessRequest = defineRoute({
  id: 'declineAccessRequest',
  method: 'POST',
  path: '/access-requests/{accessRequestId}/decline',
  entry: 'functions/sharing/decline-access-request.ts',
  summary: 'A Partnership Owner declines an access request.',
  params: accessRequestParams,
  body: z.strictObject({ reason: z.optional(s.text(500)) }),
  response: accessRequestView,
  errors: accessDecision,
  access: { table: 'readWrite' },
});

// ---- activity --------------------------------------------------------------------------------------------------

export const listPartnershipActivity = defineRoute({
  id: 'listPartnershipActivity',
  method: 'GET',
  path: '/partnerships/{partnershipId}/activity',
  entry: 'functions/sharing/list-partnership-activity.ts',
  summary: "The partnership's activity (Partnership Owners, host and guest Owner/Admins), newest first.",
  params: partnershipParams,
  query: s.listQuery(),
  response: s.pageOf(activityEntry),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const listWorkspaceActivity = defineRoute({
  id: 'listWorkspaceActivity',
  method: 'GET',
  path: '/workspaces/{workspaceId}/activity',
  entry: 'functions/sharing/list-workspace-activity.ts',
  summary: "The workspace's activity (Owner/Admins), newest first.",
  params: workspaceParams,
  query: s.listQuery(),
  response: s.pageOf(activityEntry),
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const sharingRoutes = [
  createAccount,
  listAccounts,
  createLogin,
  shareAccount,
  listShares,
  revokeShare,
  removeGuestMember,
  createAccessRequest,
  listAccessRequests,
  approveAccessRequest,
  declineAccessRequest,
  listPartnershipActivity,
  listWorkspaceActivity,
];
