/**
 * Accounts (host-workspace resources), logins to them, and the activity logs (SPEC §6). Every login
 * and every refused login is appended to the activity log.
 */
import { activityItems, listActivity, type ActivityEntry } from '../data/activity';
import { batchGet, keyId, putNew, queryPage, sortKeyPrefixCondition, transact, type Item, type Page, type TransactItem } from '../data/dynamo';
import { requireMember, requireWorkspaceAdmin, type UserRecord } from '../domain/identity';
import {
  decideGuestLogin,
  decideHostLogin,
  LOGIN_GRANT_MS,
  visibleToGuestSide,
  type AccountRecord,
  type LoginDecision,
} from '../domain/sharing';
import { conflict, notFound } from '../errors';
import { statusOf } from '../http/errors';
import { newId } from '../ids';
import { ENTITY, keys, type ActivityScope } from '../store/keys';
import { TABLE } from '../store/table';
import { toRecord } from './partnership-store';
import { partnershipContext, retrying, type SharingRequest } from './sharing';
import {
  accountView,
  liveEntryChecks,
  membershipUnchanged,
  partnershipIsActive,
  toAccount,
  toSharedAccount,
  toSharingState,
  transactSharing,
} from './sharing-store';

// ---- POST /workspaces/{id}/accounts, GET /workspaces/{id}/accounts ---------------------------------------------

/** Any member of the workspace may add an account (they become its creator, who may always use it). */
export async function createAccount(request: SharingRequest, workspaceId: string, body: { name: string; loginUrl?: string }) {
  const { caller, user, now } = request;
  requireMember(user, workspaceId);
  const at = now.toISOString();
  const account: AccountRecord = {
    accountId: keys.scopedId(workspaceId, newId(now.getTime())),
    workspaceId,
    name: body.name,
    loginUrl: body.loginUrl ?? null,
    createdBy: caller.userId,
    createdAt: at,
    sharedThrough: {},
  };
  await transact(
    [
      putNew({ ...keys.account(account.accountId), type: ENTITY.account, ...account }),
      membershipUnchanged(user),
      ...activityItems([{ kind: 'workspace', id: workspaceId }], {
        actorId: caller.userId,
        action: 'account.created',
        target: { type: 'account', id: account.accountId },
        data: { name: account.name },
        at,
      }),
    ],
    () => conflict('concurrent_update', 'Your membership of the workspace changed while the account was created; retry.'),
  );
  return accountView(account);
}

/** The Query of GET /workspaces/{id}/accounts (prefetched beside the caller's BatchGet). */
export function accountsPage(workspaceId: string, page: { limit: number; cursor?: string }): Promise<Page<Item>> {
  const pk = keys.accountsPartition(workspaceId);
  return queryPage(sortKeyPrefixCondition(pk, keys.accountPrefix), { ...page, scope: pk });
}

/** Members of the host workspace: one Query, oldest first. */
export async function listAccounts(user: UserRecord, workspaceId: string, prefetched: Promise<Page<Item>>) {
  requireMember(user, workspaceId);
  const result = await prefetched;
  return { items: result.items.map((item) => accountView(toAccount(item)!)), nextCursor: result.nextCursor };
}

// ---- POST /accounts/{id}/logins ------------------------------------------------------------------------------------

interface LoginPlan {
  decision: LoginDecision;
  scopes: ActivityScope[];
  partnershipId?: string;
  /** Conditions the grant relies on (the share entry still live, the membership unchanged...). */
  checks: TransactItem[];
}

/**
 * 201 {grantId, expiresAt} for the account's creator, host Owner/Admins and guest members with a live
 * share on an active partnership. Other host members get 403; everyone else 404 (they may not know the
 * account). Grants and refusals are both logged (refusals on the host's log, and the partnership's
 * when the caller's workspace has the account shared through one): a refused request writes, on
 * purpose. An unknown account logs nothing (there is no host to log it to).
 */
export async function createLogin(request: SharingRequest, accountId: string) {
  const { caller, now } = request;
  // A grant whose conditions fail (access revoked, member removed, membership changed meanwhile) is decided again.
  return retrying(request, async (user, load) => {
    const account = toAccount(load(keys.account(accountId)));
    if (!account) throw notFound('account');
    const plan = await planLogin(account, user);
    const at = now.toISOString();
    const activity = (action: string, data: Record<string, unknown>) =>
      activityItems(plan.scopes, { actorId: caller.userId, action, target: { type: 'account', id: accountId }, data, at });
    const through = plan.partnershipId ? { partnershipId: plan.partnershipId } : {};

    if (!plan.decision.allowed) {
      const { reason, error } = plan.decision;
      await transact(activity('account.login_refused', { reason, status: statusOf(error), ...through }), () => notFound('account'));
      throw error;
    }

    const grantId = newId(now.getTime());
    const expiresAt = new Date(now.getTime() + LOGIN_GRANT_MS).toISOString();
    const { via, role } = plan.decision;
    await transactSharing([
      putNew({
        ...keys.loginGrant(grantId),
        type: ENTITY.loginGrant,
        grantId,
        accountId,
        userId: caller.userId,
        via,
        ...through,
        createdAt: at,
        expiresAt,
        // Kept a day after it expires, for support; DynamoDB TTL deletes it then.
        [TABLE.ttlAttribute]: Math.floor(Date.parse(expiresAt) / 1000) + 24 * 60 * 60,
      }),
      ...plan.checks,
      ...activity('account.login', { grantId, via, expiresAt, ...(role ? { role } : {}), ...through }),
    ]);
    return { grantId, accountId, expiresAt, loginUrl: account.loginUrl, via };
  });
}

async function planLogin(account: AccountRecord, user: UserRecord): Promise<LoginPlan> {
  const hostScope: ActivityScope = { kind: 'workspace', id: account.workspaceId };
  const host = decideHostLogin(account, user);
  if (host) return { decision: host, scopes: [hostScope], checks: host.allowed ? [membershipUnchanged(user)] : [] };
  const partnershipId = user.workspaceId ? account.sharedThrough[user.workspaceId] : undefined;
  if (!partnershipId) return { decision: { allowed: false, reason: 'not_shared', error: notFound('account') }, scopes: [hostScope], checks: [] };
  // Round trip 2: the partnership, its sharing state and the account's share in it.
  const found = await batchGet([keys.partnership(partnershipId), keys.sharingState(partnershipId), keys.share(partnershipId, account.accountId)]);
  const partnershipItem = found.get(keyId(keys.partnership(partnershipId)));
  const partnership = partnershipItem ? toRecord(partnershipItem) : undefined;
  const state = partnership ? toSharingState(found.get(keyId(keys.sharingState(partnershipId))), partnership) : undefined;
  const share = toSharedAccount(found.get(keyId(keys.share(partnershipId, account.accountId))));
  const decision = decideGuestLogin({ user, partnership, state, share });
  const partnershipScope: ActivityScope = { kind: 'partnership', id: partnershipId };
  if (!decision.allowed) return { decision, scopes: [partnershipScope, hostScope], partnershipId, checks: [] };
  const entry = share!.members[user.userId];
  return {
    decision,
    partnershipId,
    scopes: [partnershipScope, hostScope, { kind: 'workspace', id: partnership!.guestWorkspaceId }],
    checks: [partnershipIsActive(partnershipId), membershipUnchanged(user), ...liveEntryChecks(partnershipId, account.accountId, user.userId, entry.seq)],
  };
}

// ---- activity logs ------------------------------------------------------------------------------------------------

const activityView = (e: ActivityEntry) => ({
  activityId: e.id,
  at: e.at,
  actorId: e.actorId,
  action: e.action,
  target: e.target,
  data: e.data ?? {},
});

type ActivityPage = Awaited<ReturnType<typeof listActivity>>;

/** The Query of an activity log, newest first (prefetched beside the caller's BatchGet). */
export const activityPage = (kind: ActivityScope['kind'], id: string, page: { limit: number; cursor?: string }) => listActivity({ kind, id }, page);

/**
 * GET /partnerships/{id}/activity: Partnership Owners, host and guest Owner/Admins; newest first.
 * Guest-side viewers do not see the host approval stage (a page may then hold fewer entries).
 */
export async function partnershipActivity(request: SharingRequest, partnershipId: string, prefetched: Promise<ActivityPage>) {
  const { access } = partnershipContext(request.user, request.loaded, partnershipId, 'viewActivity');
  const result = await prefetched;
  const items = access.isHostMember ? result.items : result.items.filter(visibleToGuestSide);
  return { items: items.map(activityView), nextCursor: result.nextCursor };
}

/** GET /workspaces/{id}/activity: the workspace's Owner and Admins; newest first. */
export async function workspaceActivity(user: UserRecord, workspaceId: string, prefetched: Promise<ActivityPage>) {
  requireWorkspaceAdmin(user, workspaceId);
  const result = await prefetched;
  return { items: result.items.map(activityView), nextCursor: result.nextCursor };
}
