/**
 * The event catalog (SPEC §11): one zod schema per event type, the `data` every party to the event may
 * see. Pure (zod only, no AWS): the outbox validates each event against it when it is recorded
 * (shared/store/events.ts), `npm run events` turns it into the JSON Schemas and the catalog of
 * docs/events/, and the webhooks validate subscriptions (`eventTypes`) against EVENT_TYPES.
 *
 * Rules every schema keeps: ids and public facts only (no task token, no internal key, no e-mail of a
 * person of another tenant, nothing of a workspace not party to the event); a field only one side may
 * see (the host's internal reason, who confirmed on one side) is not in `data` but in the recorded
 * event's `privateData[workspaceId]` (shared/events/types.ts), described here by `privateData`.
 * Schemas are strict objects: a field added to an event is a deliberate change of its schema; a
 * breaking change is a new version (`.v2`) beside the old one.
 */
import * as z from 'zod/mini';

const id = () => z.string().check(z.minLength(1), z.maxLength(200));
const time = () => z.iso.datetime({ offset: true });
const workspaceRole = z.enum(['owner', 'admin', 'member', 'billing_admin']);
const partnerPermission = z.enum(['view', 'edit', 'edit_and_invite']);
const partnershipStatus = z.enum([
  'awaiting_host_approval',
  'awaiting_guest_acceptance',
  'declined_by_host',
  'declined_by_guest',
  'active',
  'cancelled',
  'expired',
  'removed',
  'ended',
]);
const side = z.enum(['host', 'guest']);
const shareRole = z.enum(['collaborator', 'manager']);
const reason = () => z.string().check(z.maxLength(2000));

// ---- workspace membership ----------------------------------------------------------------------------

const membership = { workspaceId: id(), userId: id() };

// ---- team partners -------------------------------------------------------------------------------------

const invitationEntry = z.strictObject({
  invitationId: id(),
  userId: id(),
  partnerWorkspaceId: id(),
  permission: partnerPermission,
  status: z.enum(['pending', 'active']),
  activatedBy: z.optional(z.enum(['inviter', 'policy'])),
});
const invitation = { workspaceId: id(), teamId: id(), invitationId: id(), userId: id() };

// ---- partnerships ------------------------------------------------------------------------------------

/** What every partnership event carries: the parties and where the partnership stands after the change. */
const partnership = {
  partnershipId: id(),
  hostWorkspaceId: id(),
  hostName: z.string(),
  guestWorkspaceId: id(),
  guestName: z.string(),
  status: partnershipStatus,
  previousStatus: z.nullable(partnershipStatus),
};
const term = z.strictObject({ startedAt: time(), endsAt: time(), days: z.int() });

// ---- sharing -----------------------------------------------------------------------------------------

const sharing = { partnershipId: id(), hostWorkspaceId: id(), guestWorkspaceId: id() };
const shareMember = z.strictObject({ userId: id(), role: shareRole });

// ---- webhooks (recorded by the webhooks feature with appendEvent) ---------------------------------------

const webhook = { webhookId: id(), workspaceId: id() };
const url = () => z.string().check(z.maxLength(2048));
const eventTypes = () => z.array(z.string().check(z.maxLength(100))).check(z.maxLength(100));
/** What every webhook event says of its endpoint, as it is after the change (never its secret). */
const endpoint = { ...webhook, url: url(), eventTypes: eventTypes(), status: z.enum(['enabled', 'disabled']) };

/**
 * The catalog: each event type's `data` schema. What each type means, who receives it and its private
 * fields are documented beside it in catalog-docs.ts (kept out of the function bundles).
 */
export const EVENT_CATALOG = {
  // workspace membership
  'workspace.member_added.v1': z.strictObject({
    ...membership,
    role: workspaceRole,
  }),
  'workspace.member_role_changed.v1': z.strictObject({
    ...membership,
    from: workspaceRole,
    to: workspaceRole,
  }),
  'workspace.member_removed.v1': z.strictObject({ ...membership, role: workspaceRole, left: z.boolean() }),
  'workspace.ownership_transferred.v1': z.strictObject({
    workspaceId: id(),
    fromUserId: id(),
    toUserId: id(),
  }),
  // team partner invitations and partners
  'team_partner.invitations_created.v1': z.strictObject({
    workspaceId: id(),
    teamId: id(),
    invitedBy: id(),
    invitations: z.array(invitationEntry).check(z.minLength(1), z.maxLength(20)),
  }),
  'team_partner.invitation_approved.v1': z.strictObject({
    ...invitation,
    permission: partnerPermission,
  }),
  'team_partner.invitation_declined.v1': z.strictObject({
    ...invitation,
    reason: z.optional(reason()),
  }),
  'team_partner.invitation_withdrawn.v1': z.strictObject({ ...invitation, byDeparture: z.boolean() }),
  'team_partner.invitation_expired.v1': z.strictObject(invitation),
  'team_partner.updated.v1': z.strictObject({
    workspaceId: id(),
    teamId: id(),
    userId: id(),
    from: partnerPermission,
    to: partnerPermission,
  }),
  'team_partner.removed.v1': z.strictObject({
    workspaceId: id(),
    teamId: id(),
    userId: id(),
    left: z.boolean(),
  }),
  // host-guest partnerships
  'partnership.requested.v1': z.strictObject({ ...partnership, requesterId: id(), termDays: z.nullable(z.int()) }),
  'partnership.approved.v1': z.strictObject(partnership),
  'partnership.declined.v1': z.strictObject({ ...partnership, by: side, guestReason: z.optional(reason()) }),
  'partnership.resent.v1': z.strictObject({ ...partnership, resendCount: z.int() }),
  'partnership.accepted.v1': z.strictObject({ ...partnership, term: z.nullable(term) }),
  'partnership.cancelled.v1': z.strictObject({
    ...partnership,
    reason: z.optional(reason()),
  }),
  'partnership.removed.v1': z.strictObject({
    ...partnership,
    reason: z.optional(reason()),
  }),
  'partnership.expired.v1': z.strictObject(partnership),
  'partnership.ended.v1': z.strictObject({
    ...partnership,
    term: z.nullable(term),
  }),
  'partnership.recertification_opened.v1': z.strictObject({
    ...partnership,
    opensAt: time(),
    dueAt: time(),
  }),
  'partnership.recertification_confirmed.v1': z.strictObject({ ...partnership, side, dueAt: z.nullable(time()) }),
  'partnership.renewed.v1': z.strictObject({ ...partnership, term }),
  'partnership.owner_added.v1': z.strictObject({ ...partnership, userId: id() }),
  'partnership.owner_removed.v1': z.strictObject({ ...partnership, userId: id(), successorId: z.nullable(id()) }),
  // sharing
  'share.granted.v1': z.strictObject({
    ...sharing,
    accountId: id(),
    members: z.array(z.extend(shareMember, { change: z.enum(['added', 'role_changed']) })),
  }),
  'share.revoked.v1': z.strictObject({
    ...sharing,
    accountId: id(),
    members: z.array(shareMember),
  }),
  'share.guest_member_removed.v1': z.strictObject({ ...sharing, userId: id(), left: z.boolean(), revokedShares: z.int() }),
  'share.all_revoked.v1': z.strictObject({ ...sharing, cause: z.enum(['partnership_removed', 'partnership_ended']) }),
  // access requests
  'access_request.created.v1': z.strictObject({
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
  }),
  'access_request.approved.v1': z.strictObject({
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
    reason: z.optional(reason()),
  }),
  'access_request.declined.v1': z.strictObject({
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
    reason: z.optional(reason()),
  }),
  // webhooks (SPEC §11; recorded by the webhooks feature)
  'webhook.created.v1': z.strictObject(endpoint),
  'webhook.updated.v1': z.strictObject(endpoint),
  'webhook.deleted.v1': z.strictObject(endpoint),
  'webhook.secret_rotated.v1': z.strictObject({ ...endpoint, previousSecretExpiresAt: time() }),
  'webhook.disabled.v1': z.strictObject({ ...endpoint, failingSince: z.nullable(time()), disabledAt: time() }),
  'webhook.test.v1': z.strictObject({ ...endpoint, message: z.string().check(z.maxLength(500)) }),
} satisfies Record<string, z.ZodMiniObject>;

export type EventType = keyof typeof EVENT_CATALOG;
/** Every event type, in catalog order (webhook subscriptions are validated against it). */
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];
export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_CATALOG, type);
/** The `data` of an event type, as the producer writes it. */
export type EventData<T extends EventType> = z.input<(typeof EVENT_CATALOG)[T]>;

/** The CloudEvents 1.0 envelope (SPEC §11) with the `correlationid` extension (SPEC §1). */
export const cloudEventEnvelope = z.strictObject({
  specversion: z.literal('1.0'),
  id: id(),
  source: z.string().check(z.minLength(1)),
  type: z.string().check(z.regex(/^[a-z_]+(\.[a-z_]+)+\.v[0-9]+$/)),
  subject: z.string().check(z.minLength(1), z.maxLength(300)),
  time: time(),
  datacontenttype: z.literal('application/json'),
  correlationid: z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/)),
  data: z.record(z.string(), z.unknown()),
});

/** The schema an event's `data` must match, or undefined for a type not in the catalog. */
export function dataSchemaOf(type: string): z.ZodMiniObject | undefined {
  return isEventType(type) ? EVENT_CATALOG[type] : undefined;
}
