/**
 * Every key of the single table is built here, and nowhere else. Each item also carries `type`
 * (one of ENTITY) so that the table can be read, migrated and debugged without guessing.
 *
 * Layout (pk / sk; gsi1 = byOwner lists; gsi2 = sparse "due" index for the scheduled job):
 *   USER#<userId>            / USER                     user profile, home workspace and role
 *                             gsi1: WS#<ws>#MEMBERS / <userId>  (only while in a workspace)
 *   EMAIL#<email lowercased> / EMAIL                    uniqueness guard for e-mails
 *   WS#<ws>                  / WORKSPACE                workspace, billing settings
 *   ACT#<scope>              / <at>#<id>                activity log entry (scope: WS#.. or PS#..)
 *   NOTE#<email lowercased>  / <at>#<id>                notification (durable outbox)
 *   IDEM#<hash>              / IDEM                     idempotency record: caller + key, hashed (TTL)
 * Feature sections below add their own entities.
 */
import { TABLE } from './table';

export type Key = { pk: string; sk: string };

export const ENTITY = {
  user: 'USER',
  emailGuard: 'EMAIL',
  workspace: 'WORKSPACE',
  activity: 'ACTIVITY',
  notification: 'NOTIFICATION',
  team: 'TEAM',
  teamMember: 'TEAM_MEMBER',
  teamPartner: 'TEAM_PARTNER',
  partnerInvitation: 'PARTNER_INVITATION',
  workItem: 'WORK_ITEM',
  partnership: 'PARTNERSHIP',
  partnershipGuard: 'PARTNERSHIP_GUARD',
  partnershipListing: 'PARTNERSHIP_LISTING',
  account: 'ACCOUNT',
  share: 'SHARE',
  accessRequest: 'ACCESS_REQUEST',
  loginGrant: 'LOGIN_GRANT',
  sharingState: 'SHARING_STATE',
  partnershipPolicy: 'PARTNERSHIP_POLICY',
  memberDeparture: 'MEMBER_DEPARTURE',
  idempotency: 'IDEMPOTENCY',
  event: 'EVENT',
  localEvent: 'LOCAL_EVENT',
  webhook: 'WEBHOOK',
  webhookCounter: 'WEBHOOK_COUNTER',
  webhookDelivery: 'WEBHOOK_DELIVERY',
} as const;
export type EntityType = (typeof ENTITY)[keyof typeof ENTITY];

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

// ---- identity & workspaces -------------------------------------------------------------------
export const keys = {
  user: (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'USER' }),
  emailGuard: (email: string): Key => ({ pk: `EMAIL#${normalizeEmail(email)}`, sk: 'EMAIL' }),
  workspace: (workspaceId: string): Key => ({ pk: `WS#${workspaceId}`, sk: 'WORKSPACE' }),
  /** gsi1 attributes of a user who belongs to a workspace. */
  workspaceMemberIndex: (workspaceId: string, userId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: `WS#${workspaceId}#MEMBERS`,
    [TABLE.indexes.byOwner.sortKey]: userId,
  }),
  workspaceMembersPartition: (workspaceId: string) => `WS#${workspaceId}#MEMBERS`,

  /** A child id scoped to its parent (team, workspace, partnership): "<scopeId>-<suffix>". */
  scopedId: (scopeId: string, suffix: string) => `${scopeId}-${suffix}`,
  /** The parent of a scoped id (the team of a work item, the workspace of an account...); undefined: not such an id. */
  scopeOf: (scopedId: string) => scopeOf(scopedId),

  // ---- activity log & notifications ------------------------------------------------------------
  activityPartition: (scope: ActivityScope) => `ACT#${scope.kind === 'workspace' ? 'WS' : 'PS'}#${scope.id}`,
  activity: (scope: ActivityScope, at: string, id: string): Key => ({
    pk: keys.activityPartition(scope),
    sk: `${at}#${id}`,
  }),
  notificationPartition: (email: string) => `NOTE#${normalizeEmail(email)}`,
  notification: (email: string, at: string, id: string): Key => ({
    pk: keys.notificationPartition(email),
    sk: `${at}#${id}`,
  }),

  // ---- teams, work items, team partners (issue 3) ----------------------------------------------
  //   TEAM#<teamId> / TEAM                 team (memberIds: string set, for the list filter)
  //                  gsi1: WS#<ws>#TEAMS / <name lowercased>#<teamId>
  //   TEAM#<teamId> / MEMBER#<userId>      team membership and team role
  //   TEAM#<teamId> / PARTNER#<userId>     partner relation, pending or active (one per user and team)
  //                  gsi1 (only while active): USER#<userId>#PARTNER_TEAMS / <teamId>
  //   TEAM#<teamId> / PINV#<invitationId>  partner invitation (history; status moves on)
  //                  gsi1: WS#<ws>#PINV#<status> / <createdAt>#<invitationId>
  //                  gsi2 (only while pending): DUE / <dueAt>#PARTNER_INVITATION#<invitationId>
  //   TEAM#<teamId> / WI#<workItemId>      work item
  // Work item and invitation ids are "<teamId>-<suffix>" (scopedId), so one BatchGet by id also loads the team.
  team: (teamId: string): Key => ({ pk: `TEAM#${teamId}`, sk: 'TEAM' }),
  teamPartition: (teamId: string) => `TEAM#${teamId}`,
  workspaceTeamsPartition: (workspaceId: string) => `WS#${workspaceId}#TEAMS`,
  teamIndex: (workspaceId: string, name: string, teamId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: `WS#${workspaceId}#TEAMS`,
    [TABLE.indexes.byOwner.sortKey]: `${name.toLowerCase()}#${teamId}`,
  }),
  teamMember: (teamId: string, userId: string): Key => ({ pk: `TEAM#${teamId}`, sk: `MEMBER#${userId}` }),
  teamMemberPrefix: 'MEMBER#',
  teamPartner: (teamId: string, userId: string): Key => ({ pk: `TEAM#${teamId}`, sk: `PARTNER#${userId}` }),
  teamPartnerPrefix: 'PARTNER#',
  partnerTeamsPartition: (userId: string) => `USER#${userId}#PARTNER_TEAMS`,
  partnerTeamIndex: (userId: string, teamId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: `USER#${userId}#PARTNER_TEAMS`,
    [TABLE.indexes.byOwner.sortKey]: teamId,
  }),
  partnerInvitation: (invitationId: string): Key => ({
    pk: `TEAM#${scopeOf(invitationId) ?? '-'}`,
    sk: `PINV#${invitationId}`,
  }),
  partnerInvitationsPartition: (workspaceId: string, status: string) => `WS#${workspaceId}#PINV#${status}`,
  partnerInvitationIndex: (workspaceId: string, status: string, createdAt: string, invitationId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: `WS#${workspaceId}#PINV#${status}`,
    [TABLE.indexes.byOwner.sortKey]: `${createdAt}#${invitationId}`,
  }),
  /** Due index attributes (gsi2) of a pending partner invitation. */
  partnerInvitationDue: (dueAt: string, invitationId: string) => ({
    [TABLE.indexes.due.partitionKey]: 'DUE',
    [TABLE.indexes.due.sortKey]: `${dueAt}#${ENTITY.partnerInvitation}#${invitationId}`,
  }),
  workItem: (workItemId: string): Key => ({ pk: `TEAM#${scopeOf(workItemId) ?? '-'}`, sk: `WI#${workItemId}` }),
  workItemPrefix: 'WI#',

  // ---- host-guest partnerships (issue 4) -------------------------------------------------------
  //   PS#<id>                  / PARTNERSHIP              the partnership (record of truth; status, owners, task token)
  //                  gsi1: WS#<host>#PS#HOST / <createdAt>#<id>          (host Owner/Admins' list)
  //                  gsi2 (while something is due): DUE / <dueAt>#PARTNERSHIP#<id>
  //   PS#<id>                  / LISTING#GUEST            summary copy, once guest Owner/Admins may see it
  //                  gsi1: WS#<guest>#PS#GUEST / <createdAt>#<id>
  //   PS#<id>                  / LISTING#OWNER#<userId>   summary copy per Partnership Owner
  //                  gsi1: WS#<host>#PS#OWNER#<userId> / <createdAt>#<id>   (plain members' list)
  //   PSGUARD#<host>#<guest>   / PSGUARD                  one non-terminal partnership per (host, guest)
  partnership: (partnershipId: string): Key => ({ pk: keys.partnershipPartition(partnershipId), sk: 'PARTNERSHIP' }),
  /** The partition of a partnership: its record, list entries, sharing state, shares and access requests. */
  partnershipPartition: (partnershipId: string) => `PS#${partnershipId}`,
  partnershipGuestListing: (partnershipId: string): Key => ({ pk: `PS#${partnershipId}`, sk: 'LISTING#GUEST' }),
  partnershipOwnerListing: (partnershipId: string, userId: string): Key => ({
    pk: `PS#${partnershipId}`,
    sk: `LISTING#OWNER#${userId}`,
  }),
  partnershipGuard: (hostWorkspaceId: string, guestWorkspaceId: string): Key => ({
    pk: `PSGUARD#${hostWorkspaceId}#${guestWorkspaceId}`,
    sk: 'PSGUARD',
  }),
  partnershipsHostPartition: (workspaceId: string) => `WS#${workspaceId}#PS#HOST`,
  partnershipsGuestPartition: (workspaceId: string) => `WS#${workspaceId}#PS#GUEST`,
  partnershipsOwnerPartition: (workspaceId: string, userId: string) => `WS#${workspaceId}#PS#OWNER#${userId}`,
  /** gsi1 attributes of a partnership list entry (newest first by creation). */
  partnershipListIndex: (partition: string, createdAt: string, partnershipId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: partition,
    [TABLE.indexes.byOwner.sortKey]: `${createdAt}#${partnershipId}`,
  }),
  /** The due index's one partition (gsi2pk of every item awaiting something). */
  duePartition: 'DUE',
  /** gsi2 sort keys up to this one are due at `at` ('~' sorts after every character of "<ISO>#<TYPE>#<id>"). */
  dueUpTo: (at: string) => `${at}~`,
  /** The parts of a due sort key "<dueAt>#<TYPE>#<id>", or undefined when it is not one. */
  dueKeyParts: (dueKey: string): { dueAt: string; type: string; id: string } | undefined => {
    const [, dueAt, type, id] = /^([^#]+)#([^#]+)#(.+)$/.exec(dueKey) ?? [];
    return dueAt && type && id ? { dueAt, type, id } : undefined;
  },
  /** Due index attributes (gsi2) of a partnership awaiting something (reminder, expiry, resume, reconcile). */
  partnershipDue: (dueAt: string, partnershipId: string) => ({
    [TABLE.indexes.due.partitionKey]: keys.duePartition,
    [TABLE.indexes.due.sortKey]: `${dueAt}#${ENTITY.partnership}#${partnershipId}`,
  }),

  // ---- partnership governance (issue 15) --------------------------------------------------------
  //   WS#<ws> / POLICY                     the workspace's partner policy (absent: the default policy)
  //   WS#<ws> / DEPARTURE#<userId>         a member's departure whose owner succession and invitation
  //                  gsi2: DUE / <dueAt>#MEMBER_DEPARTURE#<ws>.<userId>   withdrawals the job finishes
  partnershipPolicy: (workspaceId: string): Key => ({ pk: `WS#${workspaceId}`, sk: 'POLICY' }),
  memberDeparture: (workspaceId: string, userId: string): Key => ({ pk: `WS#${workspaceId}`, sk: `DEPARTURE#${userId}` }),
  /** Due index attributes (gsi2) of a member departure the job still has to finish. */
  memberDepartureDue: (dueAt: string, workspaceId: string, userId: string) => ({
    [TABLE.indexes.due.partitionKey]: keys.duePartition,
    [TABLE.indexes.due.sortKey]: `${dueAt}#${ENTITY.memberDeparture}#${workspaceId}.${userId}`,
  }),

  // ---- accounts, shares, access requests (issue 5) ---------------------------------------------
  //   WS#<ws>#ACCOUNTS / ACCOUNT#<accountId>    account, a host-workspace resource (list: one Query, oldest first)
  //   PS#<id>          / SHARING                sharing state of a partnership: sequence number `seq` (its version:
  //                                             optimistic concurrency of every sharing write), live share count per
  //                                             guest member with the membership (joinedAt) it counts,
  //                                             removed members, the revoked marker
  //                  gsi1 (while something is shared and not revoked): WS#<guest>#PS#SHARING / <createdAt>#<id>
  //   PS#<id>          / SHARE#<accountId>       an account shared through the partnership, with its guest members
  //   PS#<id>          / AREQ#<accessRequestId>  access request (history; status moves on)
  //   GRANT#<grantId>  / LOGIN_GRANT             login grant (15 minutes; TTL)
  // Account ids are "<workspaceId>-<suffix>" and access request ids "<partnershipId>-<suffix>" (scopedId), so a
  // use case loads the account (or the request with its partnership) by id in one BatchGet.
  account: (accountId: string): Key => ({
    pk: keys.accountsPartition(scopeOf(accountId) ?? '-'),
    sk: `ACCOUNT#${accountId}`,
  }),
  accountsPartition: (workspaceId: string) => `WS#${workspaceId}#ACCOUNTS`,
  accountPrefix: 'ACCOUNT#',
  sharingState: (partnershipId: string): Key => ({ pk: `PS#${partnershipId}`, sk: 'SHARING' }),
  sharingGuestPartition: (guestWorkspaceId: string) => `WS#${guestWorkspaceId}#PS#SHARING`,
  /** gsi1 attributes of a sharing state: the list of a plain guest member (filtered on their membership). */
  sharingGuestIndex: (guestWorkspaceId: string, createdAt: string, partnershipId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: keys.sharingGuestPartition(guestWorkspaceId),
    [TABLE.indexes.byOwner.sortKey]: `${createdAt}#${partnershipId}`,
  }),
  share: (partnershipId: string, accountId: string): Key => ({ pk: `PS#${partnershipId}`, sk: `SHARE#${accountId}` }),
  sharePrefix: 'SHARE#',
  accessRequest: (accessRequestId: string): Key => ({
    pk: `PS#${scopeOf(accessRequestId) ?? '-'}`,
    sk: `AREQ#${accessRequestId}`,
  }),
  accessRequestPrefix: 'AREQ#',
  loginGrant: (grantId: string): Key => ({ pk: `GRANT#${grantId}`, sk: 'LOGIN_GRANT' }),

  // ---- domain events (issue 16, store/events.ts) ------------------------------------------------
  //   EVT#<eventId>   / EVENT               the outbox item, written with its change (TTL 7 days); the table
  //                                         stream publishes it to EventBridge
  //                  gsi2 (local mode only, until dispatched): OUTBOX / <time>#EVENT#<eventId>
  //   LEVT#<ws>       / <time>#<eventId>    local mode only: a published event as that workspace sees it (TTL)
  event: (eventId: string): Key => ({ pk: `EVT#${eventId}`, sk: 'EVENT' }),
  /** The sparse "undispatched" partition of gsi2 (local mode). */
  outboxPartition: 'OUTBOX',
  /** gsi2 attributes of an event the local dispatcher has not handed to the consumers yet. */
  eventUndispatched: (time: string, eventId: string) => ({
    [TABLE.indexes.due.partitionKey]: 'OUTBOX',
    [TABLE.indexes.due.sortKey]: `${time}#${ENTITY.event}#${eventId}`,
  }),
  localEventsPartition: (workspaceId: string) => `LEVT#${workspaceId}`,
  localEvent: (workspaceId: string, time: string, eventId: string): Key => ({ pk: `LEVT#${workspaceId}`, sk: `${time}#${eventId}` }),
  // ---- webhooks (issue 16) -----------------------------------------------------------------------
  //   WS#<ws>#WEBHOOKS / WEBHOOK#<webhookId>   endpoint: url, event types, sealed secrets, status, failingSince
  //   WS#<ws>#WEBHOOKS / COUNT                 how many endpoints the workspace has (conditioned < 10 on create)
  //   WH#<webhookId>   / DLV#<deliveryId>      delivery of one event to one endpoint (deliveryId from the event id:
  //                  gsi1: WH#<webhookId>#DLV / <createdAt>#<deliveryId>        one per (event, endpoint))
  //                  gsi2 (while pending): DUE#WEBHOOK / <nextAttemptAt>#<webhookId>.<deliveryId>
  // Webhook ids are "<workspaceId>-<suffix>" (scopedId): GET /webhooks/{id} finds the workspace from the id.
  // The due entries have their own gsi2 partition: the reminder job's DUE partition never sees them.
  webhook: (webhookId: string): Key => ({ pk: keys.webhooksPartition(scopeOf(webhookId) ?? '-'), sk: `WEBHOOK#${webhookId}` }),
  webhooksPartition: (workspaceId: string) => `WS#${workspaceId}#WEBHOOKS`,
  webhookPrefix: 'WEBHOOK#',
  webhookCounter: (workspaceId: string): Key => ({ pk: keys.webhooksPartition(workspaceId), sk: 'COUNT' }),
  webhookDelivery: (webhookId: string, deliveryId: string): Key => ({ pk: `WH#${webhookId}`, sk: `DLV#${deliveryId}` }),
  webhookDeliveriesPartition: (webhookId: string) => `WH#${webhookId}#DLV`,
  webhookDeliveryIndex: (webhookId: string, createdAt: string, deliveryId: string) => ({
    [TABLE.indexes.byOwner.partitionKey]: `WH#${webhookId}#DLV`,
    [TABLE.indexes.byOwner.sortKey]: `${createdAt}#${deliveryId}`,
  }),
  webhookDuePartition: 'DUE#WEBHOOK',
  /** Due index attributes (gsi2) of a pending delivery; undefined values remove them (delivered or failed). */
  webhookDeliveryDue: (nextAttemptAt: string | undefined, webhookId: string, deliveryId: string) => ({
    [TABLE.indexes.due.partitionKey]: nextAttemptAt ? 'DUE#WEBHOOK' : undefined,
    [TABLE.indexes.due.sortKey]: nextAttemptAt ? `${nextAttemptAt}#${webhookId}.${deliveryId}` : undefined,
  }),
  /** The webhook and delivery ids of a due sort key "<at>#<webhookId>.<deliveryId>". */
  webhookDueParts: (dueKey: string): { webhookId: string; deliveryId: string } | undefined => {
    const [, webhookId, deliveryId] = /^[^#]+#([^.#]+)\.([^.#]+)$/.exec(dueKey) ?? [];
    return webhookId && deliveryId ? { webhookId, deliveryId } : undefined;
  },

  // ---- idempotency records (store/idempotency.ts): one partition per scoped key, so none is hot
  idempotency: (scopedKeyHash: string): Key => ({ pk: `IDEM#${scopedKeyHash}`, sk: 'IDEM' }),
};

export type ActivityScope = { kind: 'workspace' | 'partnership'; id: string };

/** The scope of a scoped id ("<scopeId>-<suffix>"), or undefined when the id has no such shape. */
function scopeOf(scopedId: string): string | undefined {
  const match = /^([A-Za-z0-9_]{1,40})-([A-Za-z0-9_-]{1,40})$/.exec(scopedId);
  return match ? match[1] : undefined;
}
