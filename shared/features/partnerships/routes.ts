/** Routes of SPEC §5 (host-guest partnerships, three-stage approval). */
import * as z from 'zod/mini';
import { PARTNERSHIP_STATUSES } from '../../domain/partnership';
import { TERM_MAX_DAYS, TERM_MIN_DAYS } from '../../domain/partnership-term';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

const workspaceParams = z.strictObject({ workspaceId: s.id() });
const partnershipParams = z.strictObject({ partnershipId: s.id() });

const summaryFields = z.object({
  partnershipId: z.string(),
  hostWorkspaceId: z.string(),
  hostName: z.string(),
  guestWorkspaceId: z.string(),
  guestName: z.string(),
  partnerEmail: z.string(),
  status: z.enum(PARTNERSHIP_STATUSES),
  requesterId: z.string(),
  createdAt: s.time(),
  updatedAt: s.time(),
});
/**
 * A decision: who, when, why; `auto` marks the host approval of a host Owner/Admin's own request. The
 * guest side sees only when the host decided (`{at}`).
 */
const decision = z.nullable(
  z.object({ by: z.optional(z.string()), at: s.time(), reason: z.optional(z.nullable(z.string())), auto: z.optional(z.literal(true)) }),
);
const summary = s.named('PartnershipSummary', summaryFields);
const partnershipView = s.named(
  'Partnership',
  z.extend(summaryFields, {
    reason: z.nullable(z.string()),
    requesterEmail: z.string(),
    owners: z.array(z.object({ userId: z.string(), email: z.string(), addedAt: s.time() })),
    hostDecision: decision,
    guestDecision: decision,
    closed: decision,
    resendCount: z.int().check(z.minimum(0)),
    stage: z.nullable(z.object({ enteredAt: s.time(), expiresAt: z.nullable(s.time()), nextReminderAt: z.nullable(s.time()) })),
    lastReminderAt: z.nullable(s.time()),
    // SPEC §10: the term asked for, the current term (from activation on), the open recertification round.
    termDays: z.nullable(z.int()),
    term: z.nullable(z.object({ startedAt: s.time(), endsAt: s.time(), days: z.int() })),
    recertification: z.nullable(
      z.object({
        opensAt: s.time(),
        dueAt: s.time(),
        host: z.nullable(z.object({ by: z.nullable(z.string()), at: s.time() })),
        guest: z.nullable(z.object({ by: z.nullable(z.string()), at: s.time() })),
      }),
    ),
  }),
);

const decisionAccess = { table: 'readWrite', workflow: ['respond'] } as const;
const decisionErrors = { 403: ['forbidden'], 404: ['not_found'], 409: ['invalid_state'] };

export const createPartnership = defineRoute({
  id: 'createPartnership',
  method: 'POST',
  path: '/workspaces/{workspaceId}/partnerships',
  entry: 'functions/partnerships/create-partnership.ts',
  summary:
    'Request a host-guest partnership (any host member; reason required unless host Owner/Admin, whose request skips host approval).',
  params: workspaceParams,
  body: z.strictObject({
    guestWorkspaceId: s.id(),
    partnerEmail: s.email(),
    reason: z.optional(s.text(500)),
    /** SPEC §10: the term in days (30..365); without it the host policy's default, else open-ended. */
    termDays: z.optional(z.int().check(z.minimum(TERM_MIN_DAYS), z.maximum(TERM_MAX_DAYS))),
  }),
  response: partnershipView,
  successStatus: 201,
  idempotent: true,
  errors: {
    404: ['not_found'],
    409: ['partnership_exists'],
    422: ['same_workspace', 'reason_required', 'guest_not_found', 'partner_not_guest_admin', 'partner_blocked'],
  },
  access: { table: 'readWrite', workflow: ['start'] },
});

export const listPartnerships = defineRoute({
  id: 'listPartnerships',
  method: 'GET',
  path: '/workspaces/{workspaceId}/partnerships',
  entry: 'functions/partnerships/list-partnerships.ts',
  summary:
    'Partnerships of a workspace on one side (host Owner/Admins: all; host members: those they own; guest Owner/Admins: from guest acceptance on).',
  params: workspaceParams,
  query: z.strictObject({
    side: z.prefault(z.enum(['host', 'guest']), 'host'),
    status: z.optional(z.enum(PARTNERSHIP_STATUSES)),
    limit: s.limit(),
    cursor: s.cursor(),
  }),
  response: s.pageOf(summary),
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const getPartnership = defineRoute({
  id: 'getPartnership',
  method: 'GET',
  path: '/partnerships/{partnershipId}',
  entry: 'functions/partnerships/get-partnership.ts',
  summary: 'A partnership, for whoever may see it.',
  params: partnershipParams,
  response: partnershipView,
  errors: { 404: ['not_found'] },
  access: { table: 'read' },
});

export const approvePartnership = defineRoute({
  id: 'approvePartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/approve',
  entry: 'functions/partnerships/approve-partnership.ts',
  summary: 'Host Owner/Admin approves the request (stage 2): the guest partner is invited.',
  params: partnershipParams,
  response: partnershipView,
  errors: decisionErrors,
  access: decisionAccess,
});

export const declinePartnership = defineRoute({
  id: 'declinePartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/decline',
  entry: 'functions/partnerships/decline-partnership.ts',
  summary: 'Host Owner/Admin declines the request (stage 2), or guest Owner/Admin declines the invitation (stage 3).',
  params: partnershipParams,
  body: z.strictObject({ reason: z.optional(s.text(500)) }),
  response: partnershipView,
  errors: decisionErrors,
  access: decisionAccess,
});

export const acceptPartnership = defineRoute({
  id: 'acceptPartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/accept',
  entry: 'functions/partnerships/accept-partnership.ts',
  summary: 'Guest Owner/Admin accepts the terms (stage 3): the partnership becomes active.',
  params: partnershipParams,
  // Not a literal: `false` or a missing field is the business error terms_not_accepted (422).
  body: z.strictObject({ acceptTerms: z.optional(z.boolean()) }),
  response: partnershipView,
  errors: { ...decisionErrors, 422: ['terms_not_accepted'] },
  access: decisionAccess,
});

export const resendPartnership = defineRoute({
  id: 'resendPartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/resend',
  entry: 'functions/partnerships/resend-partnership.ts',
  summary: 'After a guest decline, a Partnership Owner or host Owner/Admin sends the invitation again (back to stage 3).',
  params: partnershipParams,
  response: partnershipView,
  errors: decisionErrors,
  access: decisionAccess,
});

export const cancelPartnership = defineRoute({
  id: 'cancelPartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/cancel',
  entry: 'functions/partnerships/cancel-partnership.ts',
  summary: 'A Partnership Owner cancels the partnership before it is active.',
  params: partnershipParams,
  response: partnershipView,
  errors: decisionErrors,
  access: decisionAccess,
});

export const removePartnership = defineRoute({
  id: 'removePartnership',
  method: 'DELETE',
  path: '/partnerships/{partnershipId}',
  entry: 'functions/partnerships/remove-partnership.ts',
  summary: 'A Partnership Owner, host Owner/Admin or guest Owner/Admin ends the partnership (every share is revoked).',
  params: partnershipParams,
  response: partnershipView,
  errors: decisionErrors,
  access: decisionAccess,
});

export const remindPartnership = defineRoute({
  id: 'remindPartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/reminders',
  entry: 'functions/partnerships/remind-partnership.ts',
  summary: 'A Partnership Owner reminds the deciders of the current stage (at most once per 24 h: 429 with Retry-After).',
  params: partnershipParams,
  response: s.named(
    'PartnershipReminder',
    z.object({
      partnershipId: z.string(),
      status: z.enum(PARTNERSHIP_STATUSES),
      remindedAt: s.time(),
      recipients: z.int().check(z.minimum(0)),
      nextReminderAllowedAt: s.time(),
    }),
  ),
  errors: { ...decisionErrors, 429: ['rate_limited'] },
  access: { table: 'readWrite' },
});

export const addPartnershipOwner = defineRoute({
  id: 'addPartnershipOwner',
  method: 'POST',
  path: '/partnerships/{partnershipId}/owners',
  entry: 'functions/partnerships/add-owner.ts',
  summary: 'A Partnership Owner adds a host member as co-owner.',
  params: partnershipParams,
  body: z.strictObject({ userId: s.id() }),
  response: partnershipView,
  successStatus: 201,
  idempotent: true,
  errors: { ...decisionErrors, 409: ['invalid_state', 'already_owner'], 422: ['not_host_member', 'too_many_owners'] },
  access: { table: 'readWrite' },
});

export const recertifyPartnership = defineRoute({
  id: 'recertifyPartnership',
  method: 'POST',
  path: '/partnerships/{partnershipId}/recertify',
  entry: 'functions/partnerships/recertify-partnership.ts',
  summary:
    'One side confirms the partnership in its open recertification round (host side: a Partnership Owner or host Owner/Admin; guest side: a guest Owner/Admin); when both sides have, the term renews at once.',
  params: partnershipParams,
  response: partnershipView,
  errors: { 403: ['forbidden'], 404: ['not_found'], 409: ['invalid_state'] },
  access: decisionAccess,
});

export const partnershipRoutes = [
  createPartnership,
  listPartnerships,
  getPartnership,
  approvePartnership,
  declinePartnership,
  acceptPartnership,
  resendPartnership,
  cancelPartnership,
  removePartnership,
  remindPartnership,
  addPartnershipOwner,
  recertifyPartnership,
];
