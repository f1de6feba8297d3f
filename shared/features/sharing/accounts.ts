/**
 * Accounts (host-workspace resources) and logins to them (SPEC §6). Every login and every refused
 * login is appended to the activity log.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { requireMember } from '../../domain/identity';
import { decideGuestLogin, decideHostLogin, LOGIN_GRANT_MS, type AccountRecord, type LoginDecision } from '../../domain/sharing';
import type { DomainError } from '../../errors';
import { notFound } from '../../errors';
import { newId } from '../../ids';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity, type ActivityScope } from '../../store/activity';
import { sharingStateOf } from '../../store/sharing';
import type { Transaction } from '../../store/transaction';
import type { StoredUser } from '../../store/users';
import { accountView } from './views';

// ---- POST /workspaces/{id}/accounts, GET /workspaces/{id}/accounts ---------------------------------------------

/** Any member of the workspace may add an account (they become its creator, who may always use it). */
export function createAccount(ctx: UseCaseContext, workspaceId: string, input: { name: string; loginUrl?: string }) {
  return optimistic(ctx.store, async () => {
    const me = await ctx.me();
    requireMember(me, workspaceId);
    const at = ctx.at;
    const account: AccountRecord = {
      accountId: ctx.store.sharing.newAccountId(workspaceId, ctx.now),
      workspaceId,
      name: input.name,
      loginUrl: input.loginUrl ?? null,
      createdBy: me.userId,
      createdAt: at,
      sharedThrough: {},
    };
    const tx = ctx.store.transaction();
    ctx.store.sharing.createAccount(tx, account);
    ctx.store.users.requireMembershipUnchanged(tx, me);
    appendActivity(tx, [{ kind: 'workspace', id: workspaceId }], {
      actorId: me.userId,
      action: 'account.created',
      target: { type: 'account', id: account.accountId },
      data: { name: account.name },
      at,
    });
    await tx.commit();
    return accountView(account);
  });
}

/** Members of the workspace: one Query (started beside the caller's read), oldest first. */
export async function listAccounts(ctx: UseCaseContext, workspaceId: string, page: PageRequest) {
  const accounts = early(ctx.store.sharing.accountsPage(workspaceId, page));
  requireMember(await ctx.me(), workspaceId);
  const result = await accounts;
  return { items: result.items.map(accountView), nextCursor: result.nextCursor };
}

// ---- POST /accounts/{id}/logins ------------------------------------------------------------------------------------

interface LoginPlan {
  decision: LoginDecision;
  scopes: ActivityScope[];
  partnershipId?: string;
  /** The conditions a grant relies on (the share entry still live, the membership unchanged...). */
  require: (tx: Transaction) => void;
}

/** The status a refused login answers, as its activity entry records it (a login is refused with 403 or 404). */
const refusalStatus = (error: DomainError) => (error.kind === 'forbidden' ? 403 : 404);

/**
 * 201 {grantId, expiresAt} for the account's creator, host Owner/Admins and guest members with a live
 * share on an active partnership. Other host members get 403; everyone else 404 (they may not know the
 * account). Grants and refusals are both logged (refusals on the host's log, and the partnership's
 * when the caller's workspace has the account shared through one): a refused request writes, on
 * purpose. An unknown account logs nothing (there is no host to log it to).
 */
export function createLogin(ctx: UseCaseContext, accountId: string) {
  return optimistic(ctx.store, async () => {
    const [me, account] = await Promise.all([ctx.me(), ctx.store.sharing.account(accountId)]);
    if (!account) throw notFound('account');
    const plan = await planLogin(ctx, account, me);
    const at = ctx.at;
    const through = plan.partnershipId ? { partnershipId: plan.partnershipId } : {};
    const tx = ctx.store.transaction();
    const log = (action: string, data: Record<string, unknown>) =>
      appendActivity(tx, plan.scopes, { actorId: me.userId, action, target: { type: 'account', id: accountId }, data, at });

    if (!plan.decision.allowed) {
      const { reason, error } = plan.decision;
      log('account.login_refused', { reason, status: refusalStatus(error), ...through });
      await tx.commit();
      throw error;
    }

    const grantId = newId(ctx.now.getTime());
    const expiresAt = new Date(ctx.now.getTime() + LOGIN_GRANT_MS).toISOString();
    const { via, role } = plan.decision;
    ctx.store.sharing.createLoginGrant(tx, { grantId, accountId, userId: me.userId, via, ...through, createdAt: at, expiresAt });
    plan.require(tx);
    log('account.login', { grantId, via, expiresAt, ...(role ? { role } : {}), ...through });
    await tx.commit();
    return { grantId, accountId, expiresAt, loginUrl: account.loginUrl, via };
  });
}

async function planLogin(ctx: UseCaseContext, account: AccountRecord, me: StoredUser): Promise<LoginPlan> {
  const hostScope: ActivityScope = { kind: 'workspace', id: account.workspaceId };
  const host = decideHostLogin(account, me);
  if (host) return { decision: host, scopes: [hostScope], require: (tx) => ctx.store.users.requireMembershipUnchanged(tx, me) };
  const partnershipId = me.workspaceId ? account.sharedThrough[me.workspaceId] : undefined;
  const nothing = () => undefined;
  if (!partnershipId)
    return { decision: { allowed: false, reason: 'not_shared', error: notFound('account') }, scopes: [hostScope], require: nothing };
  // Round trip 2: the partnership, its sharing state and the account's share in it.
  const [partnership, stored, share] = await Promise.all([
    ctx.store.partnerships.get(partnershipId),
    ctx.store.sharing.storedState(partnershipId),
    ctx.store.sharing.share(partnershipId, account.accountId),
  ]);
  const state = partnership ? sharingStateOf(stored, partnership) : undefined;
  const decision = decideGuestLogin({ user: me, partnership, state, share });
  const partnershipScope: ActivityScope = { kind: 'partnership', id: partnershipId };
  const entry = share?.members[me.userId];
  if (!decision.allowed || !partnership || !entry)
    return { decision, scopes: [partnershipScope, hostScope], partnershipId, require: nothing };
  return {
    decision,
    partnershipId,
    scopes: [partnershipScope, hostScope, { kind: 'workspace', id: partnership.guestWorkspaceId }],
    require: (tx) => {
      ctx.store.partnerships.requireActive(tx, partnershipId);
      ctx.store.users.requireMembershipUnchanged(tx, me);
      ctx.store.sharing.requireLiveEntry(tx, partnershipId, account.accountId, me.userId, entry.seq);
    },
  };
}
