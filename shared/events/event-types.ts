/**
 * The event type names a webhook may subscribe to (SPEC §11). A stand-in for the event catalog
 * (shared/events/catalog.ts, built on the `events` branch at the same time): webhooks validate
 * `eventTypes` against EVENT_TYPES from this one module, so the catalog can replace the list here
 * (re-export its type names) without touching the webhooks feature.
 */
export const EVENT_TYPES = [
  'workspace.member_added.v1',
  'workspace.member_role_changed.v1',
  'workspace.member_removed.v1',
  'workspace.ownership_transferred.v1',
  'team_partner.invited.v1',
  'team_partner.invitation_approved.v1',
  'team_partner.invitation_declined.v1',
  'team_partner.invitation_withdrawn.v1',
  'team_partner.invitation_expired.v1',
  'team_partner.permission_changed.v1',
  'team_partner.removed.v1',
  'partnership.requested.v1',
  'partnership.approved.v1',
  'partnership.declined.v1',
  'partnership.accepted.v1',
  'partnership.cancelled.v1',
  'partnership.expired.v1',
  'partnership.removed.v1',
  'partnership.resent.v1',
  'partnership.recertified.v1',
  'partnership.lapsed.v1',
  'share.created.v1',
  'share.revoked.v1',
  'access_request.created.v1',
  'access_request.approved.v1',
  'access_request.declined.v1',
  'webhook.created.v1',
  'webhook.updated.v1',
  'webhook.deleted.v1',
  'webhook.secret_rotated.v1',
  'webhook.disabled.v1',
  'webhook.test.v1',
] as const;

export type EventTypeName = (typeof EVENT_TYPES)[number];

const known: ReadonlySet<string> = new Set(EVENT_TYPES);
export const isEventType = (type: string): type is EventTypeName => known.has(type);
