/**
 * The words of the event catalog (docs/events/README.md and the JSON Schemas' descriptions): per event
 * type, when it happens, who receives it, and the fields only one workspace sees (`privateData`).
 * Documentation only: the functions bundle catalog.ts, not this.
 */
import type { EventType } from './catalog';

export interface EventDoc {
  /** When it happens. */
  when: string;
  /** Who receives it (the audience). */
  audience: string;
  /** Fields only one workspace sees, merged into `data` for it (privateData): name -> description. */
  privateData?: Record<string, string>;
}

const HOST_REASON = { reason: "the host's internal reason (the host workspace only)" };
const BOTH = 'the host workspace, and the guest workspace once the partnership reached guest acceptance';
const SHARING = 'the host and the guest workspace';

export const EVENT_DOCS: Record<EventType, EventDoc> = {
  // workspace membership
  'workspace.member_added.v1': { when: 'An Owner/Admin added a registered user to the workspace.', audience: 'the workspace' },
  'workspace.member_role_changed.v1': { when: "An Owner/Admin changed a member's role.", audience: 'the workspace' },
  'workspace.member_removed.v1': {
    when: 'A member was removed by an Owner/Admin, or left (`left: true`). Their open partnerships pass to another owner in the same change.',
    audience: 'the workspace',
  },
  'workspace.ownership_transferred.v1': {
    when: 'The Owner handed ownership to a member; the old Owner became an Admin.',
    audience: 'the workspace',
  },
  // team partner invitations and partners
  'team_partner.invitations_created.v1': {
    when: 'Partner invitations were sent for a team (one event per request, up to 20 invitations): pending ones await the workspace Owner/Admins, active ones are partners at once.',
    audience: "the team's workspace",
  },
  'team_partner.invitation_approved.v1': {
    when: 'A workspace Owner/Admin approved a pending invitation: the partner is active.',
    audience: "the team's workspace",
  },
  'team_partner.invitation_declined.v1': {
    when: 'A workspace Owner/Admin declined a pending invitation.',
    audience: "the team's workspace",
  },
  'team_partner.invitation_withdrawn.v1': {
    when: 'The inviter withdrew a pending invitation, or it was withdrawn because the inviter left the workspace (`byDeparture`).',
    audience: "the team's workspace",
  },
  'team_partner.invitation_expired.v1': {
    when: 'A pending invitation expired undecided (the scheduled job).',
    audience: "the team's workspace",
  },
  'team_partner.updated.v1': { when: "A partner's permission changed.", audience: "the team's workspace" },
  'team_partner.removed.v1': { when: 'A partner was removed from a team, or left it (`left: true`).', audience: "the team's workspace" },
  // host-guest partnerships
  'partnership.requested.v1': {
    when: 'A host member asked a guest workspace for a partnership (stage 1, host approval; `status` shows when it skipped to guest acceptance).',
    audience: BOTH,
    privateData: HOST_REASON,
  },
  'partnership.approved.v1': {
    when: 'The host approved the request: the guest is asked (stage 3).',
    audience: BOTH,
    privateData: HOST_REASON,
  },
  'partnership.declined.v1': {
    when: 'The host declined the request (`by: host`, terminal), or the guest declined the invitation (`by: guest`, the host may resend).',
    audience: BOTH,
    privateData: HOST_REASON,
  },
  'partnership.resent.v1': { when: 'The host asked the guest again after a guest decline.', audience: BOTH },
  'partnership.accepted.v1': { when: 'The guest accepted: the partnership is active.', audience: BOTH },
  'partnership.cancelled.v1': { when: 'A Partnership Owner cancelled it before it was active.', audience: BOTH },
  'partnership.removed.v1': { when: 'It was removed (DELETE); an active one revokes every share in the same change.', audience: BOTH },
  'partnership.expired.v1': { when: 'A stage stayed undecided for 30 days (the workflow).', audience: BOTH },
  'partnership.ended.v1': { when: "The term lapsed without both sides' recertification; every share ends with it.", audience: BOTH },
  'partnership.recertification_opened.v1': { when: 'A recertification round of a partnership with a term opened.', audience: BOTH },
  'partnership.recertification_confirmed.v1': {
    when: 'One side confirmed the open round (who confirmed is shown to that side only).',
    audience: BOTH,
    privateData: { confirmedBy: 'the user who confirmed (the confirming side only)' },
  },
  'partnership.renewed.v1': { when: "The second side's confirmation renewed the term.", audience: BOTH },
  'partnership.owner_added.v1': { when: 'A Partnership Owner added a host member as co-owner.', audience: BOTH },
  'partnership.owner_removed.v1': {
    when: 'An owner left the host workspace: they stop owning it (`successorId`: the workspace Owner, when nobody else owned it).',
    audience: BOTH,
  },
  // sharing
  'share.granted.v1': { when: 'A Partnership Owner shared a host account with guest members (or changed their roles).', audience: SHARING },
  'share.revoked.v1': { when: "An account's shares in the partnership were revoked.", audience: SHARING },
  'share.guest_member_removed.v1': {
    when: 'A guest member was removed from every share of the partnership, or left (`left: true`).',
    audience: SHARING,
  },
  'share.all_revoked.v1': {
    when: 'Every share of the partnership ended at once because the partnership was removed or its term lapsed (one event, whatever the number of shares).',
    audience: SHARING,
  },
  // access requests
  'access_request.created.v1': { when: 'A guest member asked for access to a shared account.', audience: SHARING },
  'access_request.approved.v1': {
    when: 'A Partnership Owner approved an access request: the share is granted with it.',
    audience: SHARING,
  },
  'access_request.declined.v1': { when: 'A Partnership Owner declined an access request.', audience: SHARING },
  // webhooks (SPEC §11; recorded by the webhooks feature)
  'webhook.created.v1': { when: 'An Owner/Admin created a webhook endpoint.', audience: 'the workspace' },
  'webhook.updated.v1': {
    when: "An Owner/Admin changed a webhook's URL, event types, description or enabled state.",
    audience: 'the workspace',
  },
  'webhook.deleted.v1': { when: 'An Owner/Admin deleted a webhook endpoint.', audience: 'the workspace' },
  'webhook.secret_rotated.v1': {
    when: "An Owner/Admin rotated a webhook's signing secret (the secret is never in an event).",
    audience: 'the workspace',
  },
  'webhook.disabled.v1': { when: 'A webhook was disabled after 3 days of failed deliveries.', audience: 'the workspace' },
  'webhook.test.v1': {
    when: 'An Owner/Admin asked for a test event (POST /webhooks/{id}/test); delivered to that webhook only.',
    audience: 'the workspace',
  },
};
