/**
 * The declared data model: every item shape and every Query of the table, by repository. Each repository
 * declares its own (`*_DATA_MODEL` beside its code); this module only gives the shape and the list.
 * docs/DATA-MODEL.md is generated from these declarations and from which routes actually read or write each
 * one (test/support/data-model.ts records it by running every route); a test keeps the two in step and
 * fails on a key the declarations do not explain.
 *
 * Key templates: literal text with `<placeholders>` (`TEAM#<teamId>`, `<createdAt>#<id>`).
 */
import { DEPARTURE_CONDITIONS } from './departures';
import { PARTNERSHIP_CONDITIONS } from './partnerships';
import { POLICY_CONDITIONS } from './policies';
import { SHARING_CONDITIONS } from './sharing';
import { TEAM_PARTNER_CONDITIONS } from './team-partners';
import { TEAM_CONDITIONS } from './teams';
import { USER_CONDITIONS, WORKSPACE_CONDITIONS } from './users';
import { WEBHOOK_CONDITIONS } from './webhooks';

export interface ItemShape {
  /** The entity type the item carries (`type`). */
  entity: string;
  pk: string;
  sk: string;
  /** Index entries the item carries, e.g. `gsi1: WS#<ws>#MEMBERS / <userId>` (while in a workspace). */
  indexes?: readonly string[];
  /** What it is, in a few words. */
  note?: string;
}

export interface QueryPattern {
  /** The access pattern, as a use case would say it. */
  name: string;
  /** The repository method (or store function) that runs it. */
  method: string;
  /** The table, or a named index. */
  index: 'table' | 'gsi1' | 'gsi2';
  pk: string;
  sk: string;
  note?: string;
}

export interface RepositoryDataModel {
  /** The repository as the Store names it (`ctx.store.<name>`), or the module of store functions. */
  repository: string;
  items: readonly ItemShape[];
  queries: readonly QueryPattern[];
  /** The names of the repository's transaction conditions. */
  conditions: readonly string[];
}

// ---- the declarations ---------------------------------------------------------------------------------

export const DATA_MODEL: readonly RepositoryDataModel[] = [
  {
    repository: 'users',
    items: [
      {
        entity: 'USER',
        pk: 'USER#<userId>',
        sk: 'USER',
        indexes: ['gsi1: WS#<ws>#MEMBERS / <userId> (while in a workspace)'],
        note: 'profile, home workspace and role',
      },
      { entity: 'EMAIL', pk: 'EMAIL#<email>', sk: 'EMAIL', note: 'unique e-mail guard' },
      { entity: 'WORKSPACE', pk: 'WS#<ws>', sk: 'WORKSPACE', note: 'name, billing, owner, admin directory' },
    ],
    queries: [{ name: 'members of a workspace', method: 'membersPage', index: 'gsi1', pk: 'WS#<ws>#MEMBERS', sk: '<userId>' }],
    conditions: [...Object.values(USER_CONDITIONS), ...Object.values(WORKSPACE_CONDITIONS)],
  },
  {
    repository: 'teams',
    items: [
      { entity: 'TEAM', pk: 'TEAM#<teamId>', sk: 'TEAM', indexes: ['gsi1: WS#<ws>#TEAMS / <name>#<teamId>'] },
      { entity: 'TEAM_MEMBER', pk: 'TEAM#<teamId>', sk: 'MEMBER#<userId>' },
      { entity: 'WORK_ITEM', pk: 'TEAM#<teamId>', sk: 'WI#<workItemId>' },
    ],
    queries: [
      { name: 'teams of a workspace, by name', method: 'teamsPage', index: 'gsi1', pk: 'WS#<ws>#TEAMS', sk: '<name>#<teamId>' },
      { name: 'members of a team', method: 'membersPage', index: 'table', pk: 'TEAM#<teamId>', sk: 'MEMBER#<userId>' },
      { name: 'work items of a team, oldest first', method: 'workItemsPage', index: 'table', pk: 'TEAM#<teamId>', sk: 'WI#<workItemId>' },
    ],
    conditions: Object.values(TEAM_CONDITIONS),
  },
  {
    repository: 'teamPartners',
    items: [
      {
        entity: 'TEAM_PARTNER',
        pk: 'TEAM#<teamId>',
        sk: 'PARTNER#<userId>',
        indexes: ['gsi1: USER#<userId>#PARTNER_TEAMS / <teamId> (while active)'],
      },
      {
        entity: 'PARTNER_INVITATION',
        pk: 'TEAM#<teamId>',
        sk: 'PINV#<invitationId>',
        indexes: [
          'gsi1: WS#<ws>#PINV#<status> / <createdAt>#<invitationId>',
          'gsi2: DUE / <dueAt>#PARTNER_INVITATION#<invitationId> (while pending)',
        ],
      },
    ],
    queries: [
      { name: 'partners of a team', method: 'partnersPage', index: 'table', pk: 'TEAM#<teamId>', sk: 'PARTNER#<userId>' },
      {
        name: 'invitations of a workspace by status, newest first',
        method: 'invitationsPage, pendingInvitedBy',
        index: 'gsi1',
        pk: 'WS#<ws>#PINV#<status>',
        sk: '<createdAt>#<invitationId>',
        note: 'pendingInvitedBy: the pending ones a departing member made (filtered on invitedBy)',
      },
      {
        name: 'teams where a user is a partner',
        method: 'partnerTeamsOf',
        index: 'gsi1',
        pk: 'USER#<userId>#PARTNER_TEAMS',
        sk: '<teamId>',
      },
    ],
    conditions: Object.values(TEAM_PARTNER_CONDITIONS),
  },
  {
    repository: 'partnerships',
    items: [
      {
        entity: 'PARTNERSHIP',
        pk: 'PS#<partnershipId>',
        sk: 'PARTNERSHIP',
        indexes: [
          'gsi1: WS#<host>#PS#HOST / <createdAt>#<partnershipId>',
          'gsi2: DUE / <dueAt>#PARTNERSHIP#<partnershipId> (while something is due)',
        ],
        note: 'the record of truth, with its workflow bookkeeping, term and round, and its owners ids (ownerIds)',
      },
      {
        entity: 'PARTNERSHIP_LISTING',
        pk: 'PS#<partnershipId>',
        sk: 'LISTING#GUEST',
        indexes: ['gsi1: WS#<guest>#PS#GUEST / <createdAt>#<partnershipId>'],
      },
      {
        entity: 'PARTNERSHIP_LISTING',
        pk: 'PS#<partnershipId>',
        sk: 'LISTING#OWNER#<userId>',
        indexes: ['gsi1: WS#<host>#PS#OWNER#<userId> / <createdAt>#<partnershipId>'],
      },
      { entity: 'PARTNERSHIP_GUARD', pk: 'PSGUARD#<host>#<guest>', sk: 'PSGUARD', note: 'one open partnership per pair' },
    ],
    queries: [
      {
        name: "host's partnerships, newest first",
        method: 'hostPage, openOwnedBy',
        index: 'gsi1',
        pk: 'WS#<ws>#PS#HOST',
        sk: '<createdAt>#<partnershipId>',
        note: 'openOwnedBy: the open ones a departing member owns (filtered on ownerIds and status)',
      },
      {
        name: "guest's partnerships, newest first",
        method: 'guestPage',
        index: 'gsi1',
        pk: 'WS#<ws>#PS#GUEST',
        sk: '<createdAt>#<partnershipId>',
      },
      {
        name: 'partnerships a member owns',
        method: 'ownedPage',
        index: 'gsi1',
        pk: 'WS#<ws>#PS#OWNER#<userId>',
        sk: '<createdAt>#<partnershipId>',
      },
    ],
    conditions: Object.values(PARTNERSHIP_CONDITIONS),
  },
  {
    repository: 'policies',
    items: [{ entity: 'PARTNERSHIP_POLICY', pk: 'WS#<ws>', sk: 'POLICY', note: 'partner policy (absent: the default)' }],
    queries: [],
    conditions: Object.values(POLICY_CONDITIONS),
  },
  {
    repository: 'departures',
    items: [
      {
        entity: 'MEMBER_DEPARTURE',
        pk: 'WS#<ws>',
        sk: 'DEPARTURE#<userId>',
        indexes: ['gsi2: DUE / <dueAt>#MEMBER_DEPARTURE#<ws>.<userId>'],
        note: 'owner succession and withdrawals the job finishes',
      },
    ],
    queries: [],
    conditions: Object.values(DEPARTURE_CONDITIONS),
  },
  {
    repository: 'sharing',
    items: [
      { entity: 'ACCOUNT', pk: 'WS#<ws>#ACCOUNTS', sk: 'ACCOUNT#<accountId>' },
      {
        entity: 'SHARING_STATE',
        pk: 'PS#<partnershipId>',
        sk: 'SHARING',
        indexes: ['gsi1: WS#<guest>#PS#SHARING / <createdAt>#<partnershipId> (while something is shared)'],
      },
      { entity: 'SHARE', pk: 'PS#<partnershipId>', sk: 'SHARE#<accountId>' },
      { entity: 'ACCESS_REQUEST', pk: 'PS#<partnershipId>', sk: 'AREQ#<accessRequestId>' },
      { entity: 'LOGIN_GRANT', pk: 'GRANT#<grantId>', sk: 'LOGIN_GRANT', note: '15 minutes (TTL)' },
    ],
    queries: [
      {
        name: 'accounts of a workspace, oldest first',
        method: 'accountsPage',
        index: 'table',
        pk: 'WS#<ws>#ACCOUNTS',
        sk: 'ACCOUNT#<accountId>',
      },
      { name: 'shares of a partnership', method: 'sharesPage', index: 'table', pk: 'PS#<partnershipId>', sk: 'SHARE#<accountId>' },
      {
        name: 'access requests of a partnership, newest first',
        method: 'accessRequestsPage',
        index: 'table',
        pk: 'PS#<partnershipId>',
        sk: 'AREQ#<accessRequestId>',
      },
      {
        name: 'partnerships sharing something with a guest member',
        method: 'sharedWithMemberPage',
        index: 'gsi1',
        pk: 'WS#<ws>#PS#SHARING',
        sk: '<createdAt>#<partnershipId>',
      },
    ],
    conditions: Object.values(SHARING_CONDITIONS),
  },
  {
    repository: 'activity (store/activity.ts)',
    items: [
      { entity: 'ACTIVITY', pk: 'ACT#WS#<ws>', sk: '<at>#<id>', note: 'one copy per scope' },
      { entity: 'ACTIVITY', pk: 'ACT#PS#<partnershipId>', sk: '<at>#<id>' },
      { entity: 'NOTIFICATION', pk: 'NOTE#<email>', sk: '<at>#<id>', note: 'the outbox; the table stream delivers it' },
    ],
    queries: [
      { name: 'activity of a workspace, newest first', method: 'listActivity', index: 'table', pk: 'ACT#WS#<ws>', sk: '<at>#<id>' },
      {
        name: 'activity of a partnership, newest first',
        method: 'listActivity',
        index: 'table',
        pk: 'ACT#PS#<partnershipId>',
        sk: '<at>#<id>',
      },
      {
        name: 'notifications of an address, newest first',
        method: 'listNotifications',
        index: 'table',
        pk: 'NOTE#<email>',
        sk: '<at>#<id>',
      },
    ],
    conditions: [],
  },
  {
    repository: 'domain events (store/events.ts)',
    items: [
      {
        entity: 'EVENT',
        pk: 'EVT#<eventId>',
        sk: 'EVENT',
        indexes: ['gsi2: OUTBOX / <time>#EVENT#<eventId> (local mode only, until dispatched)'],
        note: 'the event outbox, written with its change; the table stream publishes it (TTL 7 days)',
      },
      {
        entity: 'LOCAL_EVENT',
        pk: 'LEVT#<ws>',
        sk: '<time>#<eventId>',
        note: 'local mode only: a published event as the workspace sees it (TTL)',
      },
    ],
    queries: [
      {
        name: 'undispatched events, oldest first (local dispatcher)',
        method: 'undispatchedEvents',
        index: 'gsi2',
        pk: 'OUTBOX',
        sk: '<time>#EVENT#<eventId>',
      },
      {
        name: 'events a workspace received, newest first (GET /local/events)',
        method: 'listLocalEvents',
        index: 'table',
        pk: 'LEVT#<ws>',
        sk: '<time>#<eventId>',
      },
    ],
    conditions: [],
  },
  {
    repository: 'due index (store/due.ts)',
    items: [],
    queries: [{ name: 'everything due at a time, oldest first', method: 'duePage', index: 'gsi2', pk: 'DUE', sk: '<dueAt>#<type>#<id>' }],
    conditions: [],
  },
  {
    repository: 'webhooks',
    items: [
      {
        entity: 'WEBHOOK',
        pk: 'WS#<ws>#WEBHOOKS',
        sk: 'WEBHOOK#<webhookId>',
        note: 'endpoint: URL, event types, sealed secrets, status; webhook ids are <ws>-<suffix>',
      },
      { entity: 'WEBHOOK_COUNTER', pk: 'WS#<ws>#WEBHOOKS', sk: 'COUNT', note: 'endpoints of the workspace (at most 10)' },
      {
        entity: 'WEBHOOK_DELIVERY',
        pk: 'WH#<webhookId>',
        sk: 'DLV#<deliveryId>',
        indexes: [
          'gsi1: WH#<webhookId>#DLV / <createdAt>#<deliveryId>',
          'gsi2: DUE#WEBHOOK / <nextAttemptAt>#<webhookId>.<deliveryId> (while pending)',
        ],
        note: 'one per (event, endpoint): the id is a hash of the event id',
      },
    ],
    queries: [
      { name: 'webhooks of a workspace', method: 'page', index: 'table', pk: 'WS#<ws>#WEBHOOKS', sk: 'WEBHOOK#<webhookId>' },
      {
        name: 'deliveries of a webhook, newest first',
        method: 'deliveriesPage',
        index: 'gsi1',
        pk: 'WH#<webhookId>#DLV',
        sk: '<createdAt>#<deliveryId>',
      },
      {
        name: 'webhook deliveries due at a time, oldest first',
        method: 'duePage',
        index: 'gsi2',
        pk: 'DUE#WEBHOOK',
        sk: '<nextAttemptAt>#<webhookId>.<deliveryId>',
      },
    ],
    conditions: Object.values(WEBHOOK_CONDITIONS),
  },
  {
    repository: 'idempotency (store/idempotency.ts)',
    items: [{ entity: 'IDEMPOTENCY', pk: 'IDEM#<hash of caller and key>', sk: 'IDEM', note: '24 h (TTL)' }],
    queries: [],
    conditions: [],
  },
];
