/**
 * Sharing accounts through an active partnership (SPEC §6): shares, guest-member removal and access
 * requests. Each use case loads what it needs (the partnership and its sharing state come with the
 * caller in the wrapper's one BatchGet), decides with shared/domain/sharing.ts and writes one
 * transaction conditioned on what it read; when a condition fails it reloads and decides again, so
 * the loser of a race gets the answer a retry would get.
 */
import { activityItems } from '../data/activity';
import { batchGet, indexes, keyId, putNew, queryPage, sortKeyPrefixCondition, tableName, type Item, type Page, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import type { PartnershipRecord, PartnershipStatus } from '../domain/partnership';
import { authorizePartnership, viewerOf, type PartnershipAccess, type PartnershipAction } from '../domain/partnership-access';
import {
  applyGrants,
  checkAccessTarget,
  checkShareMembers,
  decideAccessRequest,
  isCurrentMember,
  liveMembers,
  memberBatchError,
  removeGuestMemberShares,
  requireManager,
  revokeAccountShares,
  seesAccessRequest,
  sharesWith,
  type AccessRequestRecord,
  type AccessRequestStatus,
  type SharedAccountRecord,
  type ShareMember,
  type ShareRole,
  type SharingState,
} from '../domain/sharing';
import { businessRule, notFound, notRegistered } from '../errors';
import type { LegacyRequest as HttpRequest } from '../http/handler';
import { newId } from '../ids';
import { ENTITY, keys, normalizeEmail, type Key } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import { toUserRecord } from './identity';
import { notificationData, toRecord, type PartnershipSummary } from './partnership-store';
import {
  accessRequestView,
  accountPointer,
  backoff,
  liveEntryChecks,
  membershipUnchanged,
  partnershipIsActive,
  shareDelete,
  shareItem,
  shareView,
  SharingConflict,
  sharingScopes,
  stateWrite,
  summaryOfState,
  toAccessRequest,
  toAccount,
  toSharedAccount,
  toSharingState,
  transactSharing,
} from './sharing-store';

/** Attempts of a sharing use case (and of a login) whose transaction keeps losing races. */
const MAX_ATTEMPTS = 4;

export type Load = <T extends Item = Item>(key: Key) => T | undefined;
export type SharingRequest = Pick<HttpRequest<unknown, unknown, unknown>, 'caller' | 'user' | 'loaded' | 'preloadKeys' | 'now'>;

/**
 * Runs `decide` with the preloaded items; when its transaction loses a race (SharingConflict), reloads
 * the caller and what the route preloaded in one BatchGet and runs it again. A caller whose user
 * record is gone by then is not registered any more.
 */
export async function retrying<T>(request: SharingRequest, decide: (user: UserRecord, load: Load) => Promise<T>): Promise<T> {
  let user = request.user;
  let load: Load = request.loaded;
  for (let attempt = 1; ; attempt++) {
    try {
      return await decide(user, load);
    } catch (error) {
      if (!(error instanceof SharingConflict) || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
      const userKey = keys.user(request.caller.userId);
      const found = await batchGet([userKey, ...request.preloadKeys]);
      const item = found.get(keyId(userKey));
      if (!item) throw notRegistered();
      user = toUserRecord(item);
      load = <I extends Item>(key: Key) => found.get(keyId(key)) as I | undefined;
    }
  }
}

/** The partnership, its sharing state and the caller's access, authorized for `action`. */
export interface PartnershipContext {
  record: PartnershipRecord;
  state: SharingState;
  access: PartnershipAccess;
  /** Partnership Owner, host or guest Owner/Admin: sees every share of the partnership. */
  seesAll: boolean;
}

/**
 * The one authorization of every /partnerships/{id}... route (SPEC §5 and §6), from what the route
 * preloaded (`keys.partnershipWithSharing`): the partnership and its sharing state, which says whether
 * a plain guest member may see it (it shares something with them in their current membership). 404
 * for whoever may not see it, 403 for whoever sees it but may not do `action`.
 */
export function partnershipContext(user: UserRecord, load: Load, partnershipId: string, action: PartnershipAction): PartnershipContext {
  const item = load(keys.partnership(partnershipId));
  const record = item ? toRecord(item) : undefined;
  const state = record ? toSharingState(load(keys.sharingState(partnershipId)), record) : undefined;
  const access = authorizeViewer(record, state, user, action);
  return { record: record!, state: state!, access, seesAll: access.isOwner || access.isHostAdmin || access.isGuestAdmin };
}

/** authorizePartnership for a user, knowing the partnership's sharing state (e.g. again, on a newer record after a lost race). */
export function authorizeViewer(record: PartnershipRecord | undefined, state: SharingState | undefined, user: UserRecord, action: PartnershipAction): PartnershipAccess {
  return authorizePartnership(record, viewerOf(user), action, { sharesWithViewer: sharesWith(state, user) });
}

/**
 * The user records of these guest members (the caller's is at hand): whether each still holds the
 * membership of the guest workspace their entries were granted for (`isCurrentMember`).
 */
async function memberUsers(userIds: string[], caller: UserRecord): Promise<Map<string, UserRecord>> {
  const ids = [...new Set(userIds.filter((id) => id !== caller.userId))];
  const found = ids.length ? await batchGet(ids.map((id) => keys.user(id))) : new Map<string, Item>();
  const users = new Map<string, UserRecord>([[caller.userId, caller]]);
  for (const id of ids) {
    const item = found.get(keyId(keys.user(id)));
    if (item) users.set(id, toUserRecord(item));
  }
  return users;
}

// ---- POST /partnerships/{id}/shares ----------------------------------------------------------------------

export interface ShareBody {
  accountId: string;
  members: Array<{ email: string; role: ShareRole }>;
}

export async function shareAccount(request: SharingRequest, partnershipId: string, body: ShareBody) {
  const { caller, now } = request;
  const members = body.members.map((m) => ({ email: normalizeEmail(m.email), role: m.role }));
  return retrying(request, async (user, load) => {
    const { record, state } = partnershipContext(user, load, partnershipId, 'share');
    // The account must be one of the host's: other workspaces' accounts are not known here (404).
    if (keys.scopeOf(body.accountId) !== record.hostWorkspaceId) throw notFound('account');
    // Preloaded: the account, its share in this partnership, the members' e-mail guards.
    const account = toAccount(load(keys.account(body.accountId)));
    if (!account) throw notFound('account');
    const current = toSharedAccount(load(keys.share(partnershipId, body.accountId)));
    const userIds = members.map((m) => load(keys.emailGuard(m.email))?.userId as string | undefined);
    // Round trip 2: the user records (workspace, joinedAt) of the members given and of the share's
    // current members (entries of members who left the guest workspace since are pruned).
    const known = userIds.filter((id): id is string => Boolean(id));
    const users = await memberUsers([...liveMembers(current, state).map((m) => m.userId), ...known], user);
    const givenUsers = userIds.map((id) => (id ? users.get(id) : undefined));
    const errors = checkShareMembers(
      members.map((m, i) => ({ ...m, user: givenUsers[i] })),
      record.guestWorkspaceId,
    );
    if (errors.length > 0) throw memberBatchError(errors);

    const grants = members.map((m, i) => ({ userId: givenUsers[i]!.userId, email: givenUsers[i]!.email, role: m.role, joinedAt: givenUsers[i]!.joinedAt ?? null }));
    const result = applyGrants(state, current, account, grants, user.userId, now, { users });
    const changed = result.changes.filter((c) => c.change !== 'unchanged');
    if (changed.length === 0) return shareView(result.share, liveMembers(result.share, result.state));

    const at = now.toISOString();
    const items: TransactItem[] = [
      stateWrite(state, result.state, record),
      shareItem(result.share),
      accountPointer(account.accountId, record.guestWorkspaceId, partnershipId),
      partnershipIsActive(partnershipId),
      membershipUnchanged(user),
      ...givenUsers.map((m) => membershipUnchanged(m!)),
      ...activityItems(sharingScopes(record), {
        actorId: caller.userId,
        action: 'share.granted',
        target: { type: 'account', id: account.accountId },
        data: { accountName: account.name, members: changed.map(({ userId, email, role, change }) => ({ userId, email, role, change })) },
        at,
      }),
    ];
    for (const role of ['collaborator', 'manager'] as const) {
      const to = changed.filter((c) => c.role === role).map((c) => c.email);
      if (to.length) {
        items.push(...notificationItems({ template: 'share.granted', to, at, data: notificationData(record, { accountId: account.accountId, accountName: account.name, role, actorId: caller.userId }) }));
      }
    }
    await transactSharing(items);
    return shareView(result.share, liveMembers(result.share, result.state));
  });
}

// ---- GET /partnerships/{id}/shares ---------------------------------------------------------------------------

/**
 * One Query of the partnership's share items, one per account, oldest account first (account ids are
 * time-ordered). Owners and host/guest Owner/Admins see every live member; a plain guest member sees
 * the accounts shared with them: every member of those they manage, only their own entry otherwise.
 * Only live entries are shown (not revoked, not removed, of the membership the sharing state counts), so
 * a page may hold fewer than `limit` accounts. Two round trips whatever the number of members: the
 * members' own user records are not read, so a member who left the guest workspace stays listed until
 * an owner revokes or removes them, while login and visibility already refuse them (those check the
 * caller's own, current membership).
 */
export async function listShares(request: SharingRequest, partnershipId: string, prefetched: Promise<Page<Item>>) {
  const { user, loaded } = request;
  const { record, state, seesAll } = partnershipContext(user, loaded, partnershipId, 'view');
  if (record.status !== 'active' || state.revokedAt) return { items: [], nextCursor: null };
  const result = await prefetched;
  const shown: Array<{ share: SharedAccountRecord; members: ShareMember[] }> = [];
  for (const item of result.items) {
    const share = toSharedAccount(item)!;
    let members = liveMembers(share, state);
    if (!seesAll) {
      const own = members.find((m) => m.userId === user.userId);
      if (!own || !isCurrentMember(own, user, record.guestWorkspaceId)) continue;
      if (own.role !== 'manager') members = [own];
    }
    shown.push({ share, members });
  }
  const items = shown.filter(({ members }) => members.length > 0).map(({ share, members }) => shareView(share, members));
  return { items, nextCursor: result.nextCursor };
}

/** The Query of GET /partnerships/{id}/shares (prefetched beside the caller's BatchGet). */
export function sharesPage(partnershipId: string, page: { limit: number; cursor?: string }): Promise<Page<Item>> {
  const pk = keys.partnership(partnershipId).pk;
  return queryPage(sortKeyPrefixCondition(pk, keys.sharePrefix), { ...page, scope: `${pk}#SHARES` });
}

// ---- DELETE /partnerships/{id}/shares/{accountId} --------------------------------------------------------------

/** Partnership Owners and host Owner/Admins revoke every share of the account in this partnership (one item). */
export async function revokeShare(request: SharingRequest, partnershipId: string, accountId: string) {
  const { caller, now } = request;
  await retrying(request, async (user, load) => {
    const { record, state } = partnershipContext(user, load, partnershipId, 'revokeShare');
    const share = toSharedAccount(load(keys.share(partnershipId, accountId)));
    const { state: next, revoked } = revokeAccountShares(state, share, now);
    const at = now.toISOString();
    await transactSharing([
      stateWrite(state, next, record),
      shareDelete(partnershipId, accountId),
      accountPointer(accountId, record.guestWorkspaceId, undefined),
      partnershipIsActive(partnershipId),
      membershipUnchanged(user),
      ...activityItems(sharingScopes(record), {
        actorId: caller.userId,
        action: 'share.revoked',
        target: { type: 'account', id: accountId },
        data: { accountName: share!.accountName, members: revoked.map(({ userId, email, role }) => ({ userId, email, role })) },
        at,
      }),
    ]);
  });
}

// ---- DELETE /partnerships/{id}/guest-members/{userId} --------------------------------------------------------

/**
 * A Partnership Owner or guest Owner/Admin (or the guest member themselves) removes a guest member
 * from the partnership: all their shares end at once, whatever their number (one state write).
 */
export async function removeGuestMember(request: SharingRequest, partnershipId: string, userId: string) {
  const { caller, now } = request;
  await retrying(request, async (user, load) => {
    const self = userId === user.userId;
    const { record, state, access } = partnershipContext(user, load, partnershipId, self ? 'view' : 'removeGuestMember');
    if (self && !access.isGuestMember) authorizeViewer(record, state, user, 'removeGuestMember');
    const target = load(keys.user(userId));
    // The entries the sharing state counts for them, whatever their membership now: the share list shows
    // them until they are removed (or the share is written again), so removing them must work too.
    const joinedAt = (Object.hasOwn(state.memberJoinedAt, userId) ? state.memberJoinedAt[userId] : undefined) ?? undefined;
    const { state: next, revokedShares } = removeGuestMemberShares(state, { userId, joinedAt }, now);
    const at = now.toISOString();
    await transactSharing([
      stateWrite(state, next, record),
      partnershipIsActive(partnershipId),
      membershipUnchanged(user),
      ...activityItems(sharingScopes(record), {
        actorId: caller.userId,
        action: self ? 'share.guest_member_left' : 'share.guest_member_removed',
        target: { type: 'user', id: userId },
        data: { email: target?.email ?? null, revokedShares },
        at,
      }),
      ...(!self && target?.email
        ? notificationItems({ template: 'share.access_removed', to: [String(target.email)], at, data: notificationData(record, { actorId: caller.userId }) })
        : []),
    ]);
  });
}

// ---- access requests -----------------------------------------------------------------------------------------

export interface AccessRequestBody {
  accountId: string;
  email: string;
  role: 'collaborator';
}

/** POST /partnerships/{id}/access-requests: a guest member with a live Manager share asks for a colleague. */
export async function requestAccess(request: SharingRequest, partnershipId: string, body: AccessRequestBody) {
  const { caller, now } = request;
  const email = normalizeEmail(body.email);
  return retrying(request, async (user, load) => {
    const { record, state } = partnershipContext(user, load, partnershipId, 'requestAccess');
    // Preloaded: the share of the account, the target's e-mail guard.
    const share = toSharedAccount(load(keys.share(partnershipId, body.accountId)));
    requireManager(share, state, user);
    const own = share!.members[user.userId];
    // Round trip 2: the target's user record.
    const targetId = load(keys.emailGuard(email))?.userId as string | undefined;
    const targetItem = targetId ? (await batchGet([keys.user(targetId)])).get(keyId(keys.user(targetId))) : undefined;
    const target = targetItem ? toUserRecord(targetItem) : undefined;
    checkAccessTarget(share!, state, target, record.guestWorkspaceId);

    const at = now.toISOString();
    const accessRequest: AccessRequestRecord = {
      accessRequestId: keys.scopedId(partnershipId, newId(now.getTime())),
      partnershipId,
      accountId: share!.accountId,
      accountName: share!.accountName,
      userId: target!.userId,
      email: target!.email,
      role: body.role,
      status: 'pending',
      requestedBy: user.userId,
      requesterEmail: normalizeEmail(user.email),
      createdAt: at,
      updatedAt: at,
    };
    await transactSharing([
      putNew({ ...keys.accessRequest(accessRequest.accessRequestId), type: ENTITY.accessRequest, ...accessRequest }),
      partnershipIsActive(partnershipId),
      membershipUnchanged(user),
      membershipUnchanged(target!),
      ...liveEntryChecks(partnershipId, share!.accountId, user.userId, own.seq, 'manager'),
      ...activityItems(sharingScopes(record), {
        actorId: caller.userId,
        action: 'access_request.created',
        target: { type: 'access_request', id: accessRequest.accessRequestId },
        data: { accountId: share!.accountId, accountName: share!.accountName, userId: target!.userId, email: target!.email, role: body.role },
        at,
      }),
      ...notificationItems({
        template: 'access_request.created',
        to: record.owners.map((o) => o.email),
        at,
        data: notificationData(record, {
          accessRequestId: accessRequest.accessRequestId,
          accountId: share!.accountId,
          accountName: share!.accountName,
          email: target!.email,
          requesterEmail: accessRequest.requesterEmail,
        }),
      }),
    ]);
    return accessRequestView(accessRequest);
  });
}

/**
 * POST /access-requests/{id}/approve|decline by a Partnership Owner. Whoever may not see the
 * partnership gets 404; others 403; a decided request 409 invalid_state. Approval creates the
 * collaborator share (a member who is a Manager by now stays one).
 */
export async function decideAccess(request: SharingRequest, accessRequestId: string, action: 'approve' | 'decline', reason: string | undefined) {
  const { caller, now } = request;
  const partnershipId = keys.scopeOf(accessRequestId) ?? '-';
  return retrying(request, async (user, load) => {
    // The partnership first: whoever may not decide on it gets the same answer for a real request id
    // as for an invented one.
    const { record, state } = partnershipContext(user, load, partnershipId, 'decideAccessRequest');
    const current = toAccessRequest(load(keys.accessRequest(accessRequestId)));
    if (!current) throw notFound('access request');
    const next = decideAccessRequest(current, action, { actorId: user.userId, reason, now });
    const at = now.toISOString();
    const items: TransactItem[] = [
      {
        Update: {
          TableName: tableName(),
          Key: keys.accessRequest(accessRequestId),
          UpdateExpression: 'SET #status = :status, decision = :decision, updatedAt = :at',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': next.status, ':decision': next.decision, ':at': at, ':pending': 'pending' },
        },
      },
      partnershipIsActive(partnershipId),
      membershipUnchanged(user),
    ];
    if (action === 'approve') {
      // Round trip 2: the account's share and the member's user record.
      const found = await batchGet([keys.share(partnershipId, current.accountId), keys.user(current.userId)]);
      const share = toSharedAccount(found.get(keyId(keys.share(partnershipId, current.accountId))));
      const targetItem = found.get(keyId(keys.user(current.userId)));
      const target = targetItem ? toUserRecord(targetItem) : undefined;
      if (!share || liveMembers(share, state).length === 0) {
        throw businessRule('account_not_shared', 'The account is no longer shared through this partnership: share it again instead.');
      }
      if (!target || target.workspaceId !== record.guestWorkspaceId) {
        throw businessRule('not_guest_member', 'The member is no longer in the guest workspace.', [{ field: 'userId', issue: 'not a member of the guest workspace' }]);
      }
      const result = applyGrants(
        state,
        share,
        { accountId: share.accountId, name: share.accountName },
        [{ userId: target.userId, email: target.email, role: current.role, joinedAt: target.joinedAt ?? null }],
        user.userId,
        now,
        { keepHigherRole: true },
      );
      items.push(stateWrite(state, result.state, record), shareItem(result.share), membershipUnchanged(target));
    }
    items.push(
      ...activityItems(sharingScopes(record), {
        actorId: caller.userId,
        action: `access_request.${next.status}`,
        target: { type: 'access_request', id: accessRequestId },
        data: { accountId: current.accountId, accountName: current.accountName, userId: current.userId, email: current.email, role: current.role, ...(reason ? { reason } : {}) },
        at,
      }),
      ...notificationItems({
        template: `access_request.${next.status}`,
        to: [current.requesterEmail, current.email].filter((e) => normalizeEmail(e) !== normalizeEmail(user.email)),
        at,
        data: notificationData(record, {
          accessRequestId,
          accountId: current.accountId,
          accountName: current.accountName,
          email: current.email,
          ...(reason ? { reason } : {}),
        }),
      }),
    );
    await transactSharing(items);
    return accessRequestView(next);
  });
}

/** The Query of GET /partnerships/{id}/access-requests, newest first (prefetched beside the caller's BatchGet). */
export function accessRequestsPage(partnershipId: string, query: { status?: AccessRequestStatus; limit: number; cursor?: string }): Promise<Page<Item>> {
  const pk = keys.partnership(partnershipId).pk;
  const range = sortKeyPrefixCondition(pk, keys.accessRequestPrefix);
  return queryPage(
    {
      ...range,
      ...(query.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ':status': query.status } }
        : {}),
      ScanIndexForward: false,
    },
    { limit: query.limit, cursor: query.cursor, scope: `${pk}#AREQ|${query.status ?? '*'}` },
  );
}

/**
 * GET /partnerships/{id}/access-requests?status=: newest first. Owners and host/guest Owner/Admins
 * see all; a plain guest member those they made or that are for them (applied to the page: DynamoDB
 * applies a filter after `Limit` too, so a page may hold fewer than `limit` items either way).
 */
export async function listAccessRequests(request: SharingRequest, partnershipId: string, prefetched: Promise<Page<Item>>) {
  const { user, loaded } = request;
  const { seesAll } = partnershipContext(user, loaded, partnershipId, 'view');
  const result = await prefetched;
  const items = result.items
    .map((item) => toAccessRequest(item)!)
    .filter((r) => seesAccessRequest(r, user, seesAll))
    .map(accessRequestView);
  return { items, nextCursor: result.nextCursor };
}

// ---- the plain guest member's partnership list (hook of shared/services/partnerships.ts) ----------------------

/**
 * GET /workspaces/{id}/partnerships?side=guest for a plain guest member (shared/services/partnerships.ts):
 * active partnerships that share something with them in their current membership of the guest
 * workspace. One Query of the guest's sharing states (gsi1, only states that share something),
 * filtered on the member's counted membership; only the summary is read. Removal drops the state
 * from that index, so a removed partnership is never listed.
 */
export async function listSharedWithMember(
  user: UserRecord,
  workspaceId: string,
  query: { status?: PartnershipStatus; limit: number; cursor?: string },
): Promise<{ items: PartnershipSummary[]; nextCursor: string | null }> {
  if (query.status && query.status !== 'active') return { items: [], nextCursor: null };
  const partition = keys.sharingGuestPartition(workspaceId);
  const page = await queryPage(
    {
      IndexName: indexes.byOwner.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: 'memberJoinedAt.#me = :joinedAt',
      ProjectionExpression: '#summary',
      ExpressionAttributeNames: { '#pk': indexes.byOwner.partitionKey, '#me': user.userId, '#summary': 'summary' },
      ExpressionAttributeValues: { ':pk': partition, ':joinedAt': user.joinedAt ?? '-' },
      ScanIndexForward: false,
    },
    { limit: query.limit, cursor: query.cursor, scope: `${partition}|${user.userId}|${query.status ?? '*'}` },
  );
  return { items: page.items.map(summaryOfState), nextCursor: page.nextCursor };
}
