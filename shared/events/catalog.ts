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

export interface EventDefinition {
  /** When it happens (the catalog's words). */
  when: string;
  /** Who receives it (the audience). */
  audience: string;
  /** Fields only one workspace sees, merged into `data` for it (privateData). */
  privateData?: Record<string, string>;
  schema: z.ZodMiniObject;
}

const define = (
  when: string,
  audience: string,
  shape: Record<string, z.ZodMiniType>,
  privateData?: Record<string, string>,
): EventDefinition => ({
  when,
  audience,
  schema: z.strictObject(shape),
  ...(privateData ? { privateData } : {}),
});

const HOST_REASON = { reason: "the host's internal reason (the host workspace only)" };
const BOTH = 'the host workspace, and the guest workspace once the partnership reached guest acceptance';
const SHARING = 'the host and the guest workspace';

export const EVENT_CATALOG = {
  // workspace membership
  'workspace.member_added.v1': define('An Owner/Admin added a registered user to the workspace.', 'the workspace', {
    ...membership,
    role: workspaceRole,
  }),
  'workspace.member_role_changed.v1': define("An Owner/Admin changed a member's role.", 'the workspace', {
    ...membership,
    from: workspaceRole,
    to: workspaceRole,
  }),
  'workspace.member_removed.v1': define(
    'A member was removed by an Owner/Admin, or left (`left: true`). Their open partnerships pass to another owner in the same change.',
    'the workspace',
    { ...membership, role: workspaceRole, left: z.boolean() },
  ),
  'workspace.ownership_transferred.v1': define('The Owner handed ownership to a member; the old Owner became an Admin.', 'the workspace', {
    workspaceId: id(),
    fromUserId: id(),
    toUserId: id(),
  }),

  // team partner invitations and partners
  'team_partner.invitations_created.v1': define(
    'Partner invitations were sent for a team (one event per request, up to 20 invitations): pending ones await the workspace Owner/Admins, active ones are partners at once.',
    "the team's workspace",
    { workspaceId: id(), teamId: id(), invitedBy: id(), invitations: z.array(invitationEntry).check(z.minLength(1), z.maxLength(20)) },
  ),
  'team_partner.invitation_approved.v1': define(
    'A workspace Owner/Admin approved a pending invitation: the partner is active.',
    "the team's workspace",
    {
      ...invitation,
      permission: partnerPermission,
    },
  ),
  'team_partner.invitation_declined.v1': define('A workspace Owner/Admin declined a pending invitation.', "the team's workspace", {
    ...invitation,
    reason: z.optional(reason()),
  }),
  'team_partner.invitation_withdrawn.v1': define(
    'The inviter withdrew a pending invitation, or it was withdrawn because the inviter left the workspace (`byDeparture`).',
    "the team's workspace",
    { ...invitation, byDeparture: z.boolean() },
  ),
  'team_partner.invitation_expired.v1': define(
    'A pending invitation expired undecided (the scheduled job).',
    "the team's workspace",
    invitation,
  ),
  'team_partner.updated.v1': define("A partner's permission changed.", "the team's workspace", {
    workspaceId: id(),
    teamId: id(),
    userId: id(),
    from: partnerPermission,
    to: partnerPermission,
  }),
  'team_partner.removed.v1': define('A partner was removed from a team, or left it (`left: true`).', "the team's workspace", {
    workspaceId: id(),
    teamId: id(),
    userId: id(),
    left: z.boolean(),
  }),

  // host-guest partnerships
  'partnership.requested.v1': define(
    'A host member asked a guest workspace for a partnership (stage 1, host approval; `status` shows when it skipped to guest acceptance).',
    BOTH,
    { ...partnership, requesterId: id(), termDays: z.nullable(z.int()) },
    HOST_REASON,
  ),
  'partnership.approved.v1': define('The host approved the request: the guest is asked (stage 3).', BOTH, partnership, HOST_REASON),
  'partnership.declined.v1': define(
    'The host declined the request (`by: host`, terminal), or the guest declined the invitation (`by: guest`, the host may resend).',
    BOTH,
    { ...partnership, by: side, guestReason: z.optional(reason()) },
    HOST_REASON,
  ),
  'partnership.resent.v1': define('The host asked the guest again after a guest decline.', BOTH, { ...partnership, resendCount: z.int() }),
  'partnership.accepted.v1': define('The guest accepted: the partnership is active.', BOTH, { ...partnership, term: z.nullable(term) }),
  'partnership.cancelled.v1': define('A Partnership Owner cancelled it before it was active.', BOTH, {
    ...partnership,
    reason: z.optional(reason()),
  }),
  'partnership.removed.v1': define('It was removed (DELETE); an active one revokes every share in the same change.', BOTH, {
    ...partnership,
    reason: z.optional(reason()),
  }),
  'partnership.expired.v1': define('A stage stayed undecided for 30 days (the workflow).', BOTH, partnership),
  'partnership.ended.v1': define("The term lapsed without both sides' recertification; every share ends with it.", BOTH, {
    ...partnership,
    term: z.nullable(term),
  }),
  'partnership.recertification_opened.v1': define('A recertification round of a partnership with a term opened.', BOTH, {
    ...partnership,
    opensAt: time(),
    dueAt: time(),
  }),
  'partnership.recertification_confirmed.v1': define(
    'One side confirmed the open round (who confirmed is shown to that side only).',
    BOTH,
    { ...partnership, side, dueAt: z.nullable(time()) },
    { confirmedBy: 'the user who confirmed (the confirming side only)' },
  ),
  'partnership.renewed.v1': define("The second side's confirmation renewed the term.", BOTH, { ...partnership, term }),
  'partnership.owner_added.v1': define('A Partnership Owner added a host member as co-owner.', BOTH, { ...partnership, userId: id() }),
  'partnership.owner_removed.v1': define(
    'An owner left the host workspace: they stop owning it (`successorId`: the workspace Owner, when nobody else owned it).',
    BOTH,
    { ...partnership, userId: id(), successorId: z.nullable(id()) },
  ),

  // sharing
  'share.granted.v1': define('A Partnership Owner shared a host account with guest members (or changed their roles).', SHARING, {
    ...sharing,
    accountId: id(),
    members: z.array(z.extend(shareMember, { change: z.enum(['added', 'role_changed']) })),
  }),
  'share.revoked.v1': define("An account's shares in the partnership were revoked.", SHARING, {
    ...sharing,
    accountId: id(),
    members: z.array(shareMember),
  }),
  'share.guest_member_removed.v1': define(
    'A guest member was removed from every share of the partnership, or left (`left: true`).',
    SHARING,
    { ...sharing, userId: id(), left: z.boolean(), revokedShares: z.int() },
  ),
  'share.all_revoked.v1': define(
    'Every share of the partnership ended at once because the partnership was removed or its term lapsed (one event, whatever the number of shares).',
    SHARING,
    { ...sharing, cause: z.enum(['partnership_removed', 'partnership_ended']) },
  ),

  // access requests
  'access_request.created.v1': define('A guest member asked for access to a shared account.', SHARING, {
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
  }),
  'access_request.approved.v1': define('A Partnership Owner approved an access request: the share is granted with it.', SHARING, {
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
    reason: z.optional(reason()),
  }),
  'access_request.declined.v1': define('A Partnership Owner declined an access request.', SHARING, {
    ...sharing,
    accessRequestId: id(),
    accountId: id(),
    userId: id(),
    role: shareRole,
    reason: z.optional(reason()),
  }),

  // webhooks (SPEC §11; recorded by the webhooks feature)
  'webhook.created.v1': define('An Owner/Admin created a webhook endpoint.', 'the workspace', {
    ...webhook,
    url: url(),
    eventTypes: eventTypes(),
    description: z.optional(z.string().check(z.maxLength(500))),
  }),
  'webhook.updated.v1': define("An Owner/Admin changed a webhook's URL, event types, description or enabled state.", 'the workspace', {
    ...webhook,
    url: z.optional(url()),
    eventTypes: z.optional(eventTypes()),
    description: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
    enabled: z.optional(z.boolean()),
  }),
  'webhook.deleted.v1': define('An Owner/Admin deleted a webhook endpoint.', 'the workspace', webhook),
  'webhook.secret_rotated.v1': define(
    "An Owner/Admin rotated a webhook's signing secret (the secret is never in an event).",
    'the workspace',
    {
      ...webhook,
      previousSecretExpiresAt: z.optional(time()),
    },
  ),
  'webhook.disabled.v1': define('A webhook was disabled after 3 days of failed deliveries.', 'the workspace', {
    ...webhook,
    url: z.optional(url()),
    reason: z.optional(z.string().check(z.maxLength(500))),
    failingSince: z.optional(time()),
  }),
  'webhook.test.v1': define(
    'An Owner/Admin asked for a test event (POST /webhooks/{id}/test); delivered to that webhook only.',
    'the workspace',
    {
      ...webhook,
      message: z.optional(z.string().check(z.maxLength(500))),
    },
  ),
} satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENT_CATALOG;
/** Every event type, in catalog order (webhook subscriptions are validated against it). */
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];
export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_CATALOG, type);
/** The `data` of an event type, as the producer writes it. */
export type EventData<T extends EventType> = z.input<(typeof EVENT_CATALOG)[T]['schema']>;

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
  return isEventType(type) ? EVENT_CATALOG[type].schema : undefined;
}
