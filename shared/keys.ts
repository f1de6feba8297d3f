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
 *   IDEMPOTENCY              / <hash>                   Powertools idempotency record (TTL)
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
  partnerInvitation: 'PARTNER_INVITATION',
  workItem: 'WORK_ITEM',
  partnership: 'PARTNERSHIP',
  partnershipGuard: 'PARTNERSHIP_GUARD',
  account: 'ACCOUNT',
  share: 'SHARE',
  accessRequest: 'ACCESS_REQUEST',
  loginGrant: 'LOGIN_GRANT',
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

  // ---- host-guest partnerships (issue 4) -------------------------------------------------------

  // ---- accounts, shares, access requests (issue 5) ---------------------------------------------
};

export type ActivityScope = { kind: 'workspace' | 'partnership'; id: string };

/** Static partition for Powertools idempotency records (sort key = hashed idempotency key). */
export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY';
