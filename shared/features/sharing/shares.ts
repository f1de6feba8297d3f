/**
 * Shares of accounts through an active partnership and guest-member removal (SPEC §6). Each use case
 * reads the caller, the partnership and its sharing state with what else it decides on in one
 * BatchGet, decides with shared/domain/sharing.ts, and writes one transaction conditioned on the
 * sharing state's `seq` it read (and on the memberships it relied on); when a condition fails,
 * `optimistic` reads again and decides again, so the loser of a race gets the answer a retry would get.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import {
  applyGrants,
  checkShareMembers,
  isCurrentMember,
  liveMembers,
  memberBatchError,
  removeGuestMemberShares,
  revokeAccountShares,
  type Membership,
  type SharedAccountRecord,
  type ShareMember,
  type ShareRole,
} from '../../domain/sharing';
import { notFound } from '../../errors';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity } from '../../store/activity';
import { recordEvent, subjects } from '../events/record';
import { normalizeEmail } from '../../store/keys';
import type { StoredUser } from '../../store/users';
import { partnershipContext, requireAction } from '../partnerships/access';
import { notificationData } from '../partnerships/changes';
import { sharingScopes, shareView } from './views';

// ---- POST /partnerships/{id}/shares ----------------------------------------------------------------------

export interface ShareInput {
  accountId: string;
  members: Array<{ email: string; role: ShareRole }>;
}

/**
 * A Partnership Owner shares a host account with guest members (re-sharing sets the role). Read with
 * the caller: the partnership, its sharing state, the account, its share and the members' e-mails;
 * then the user records of the members given and of the share's current members (entries of members
 * who left the guest workspace since are pruned).
 */
export function shareAccount(ctx: UseCaseContext, partnershipId: string, input: ShareInput) {
  const { users, sharing } = ctx.store;
  const members = input.members.map((m) => ({ email: normalizeEmail(m.email), role: m.role }));
  return optimistic(ctx.store, async () => {
    const [{ me, record, state }, account, current, userIds] = await Promise.all([
      partnershipContext(ctx, partnershipId, 'share'),
      sharing.account(input.accountId),
      sharing.share(partnershipId, input.accountId),
      Promise.all(members.map((m) => users.idByEmail(m.email))),
    ]);
    // The account must be one of the host's: other workspaces' accounts are not known here (404).
    if (sharing.workspaceOfAccount(input.accountId) !== record.hostWorkspaceId || !account) throw notFound('account');
    const known = userIds.filter((id): id is string => id !== undefined);
    const found = await memberUsers(ctx, [...liveMembers(current, state).map((m) => m.userId), ...known], me);
    const givenUsers = userIds.map((id) => (id ? found.get(id) : undefined));
    const errors = checkShareMembers(
      members.map((m, i) => ({ ...m, user: givenUsers[i] })),
      record.guestWorkspaceId,
    );
    if (errors.length > 0) throw memberBatchError(errors);
    // checkShareMembers refuses every entry without a user: none is left out here.
    const given = givenUsers.filter((user): user is StoredUser => user !== undefined);

    const grants = members.map((m, i) => {
      const user = givenUsers[i];
      if (!user) throw new Error(`share member ${i} has no user after checkShareMembers`);
      return { userId: user.userId, email: user.email, role: m.role, joinedAt: user.joinedAt ?? null };
    });
    const result = applyGrants(state, current, account, grants, me.userId, ctx.now, { users: found });
    const changed = result.changes.filter((c) => c.change !== 'unchanged');
    if (changed.length === 0) return shareView(result.share, liveMembers(result.share, result.state));

    const at = ctx.at;
    const tx = ctx.store.transaction();
    sharing.writeState(tx, state, result.state, record);
    sharing.putShare(tx, result.share);
    sharing.pointAccount(tx, account.accountId, record.guestWorkspaceId, partnershipId);
    ctx.store.partnerships.requireActive(tx, partnershipId);
    users.requireMembershipUnchanged(tx, me);
    for (const member of given) users.requireMembershipUnchanged(tx, member);
    appendActivity(tx, sharingScopes(record), {
      actorId: me.userId,
      action: 'share.granted',
      target: { type: 'account', id: account.accountId },
      data: { accountName: account.name, members: changed.map(({ userId, email, role, change }) => ({ userId, email, role, change })) },
      at,
    });
    recordEvent(ctx, tx, 'share.granted.v1', {
      subject: subjects.account(partnershipId, account.accountId),
      data: {
        partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        accountId: account.accountId,
        members: changed.flatMap(({ userId, role, change }) => (change === 'unchanged' ? [] : [{ userId, role, change }])),
      },
      audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    });
    for (const role of ['collaborator', 'manager'] as const) {
      const to = changed.filter((c) => c.role === role).map((c) => c.email);
      notify(tx, {
        template: 'share.granted',
        to,
        data: notificationData(record, {
          accountId: account.accountId,
          accountName: account.name,
          role,
          actorId: me.userId,
          actorName: me.name,
          actorWorkspaceId: me.workspaceId,
        }),
        at,
      });
    }
    await tx.commit();
    return shareView(result.share, liveMembers(result.share, result.state));
  });
}

/**
 * The user records of these guest members, with the caller's at hand: whether each still holds the
 * membership of the guest workspace their entries were granted for (`isCurrentMember`). One BatchGet.
 */
async function memberUsers(ctx: UseCaseContext, userIds: string[], caller: StoredUser): Promise<Map<string, StoredUser>> {
  const ids = [...new Set(userIds.filter((id) => id !== caller.userId))];
  const found = await ctx.store.users.getMany(ids);
  const users = new Map<string, StoredUser>([[caller.userId, caller]]);
  ids.forEach((id, i) => {
    const user = found[i];
    if (user) users.set(id, user);
  });
  return users;
}

// ---- GET /partnerships/{id}/shares ---------------------------------------------------------------------------

/**
 * The partnership's shares, one per account, oldest account first (the Query starts beside the
 * authorization reads). Owners and host/guest Owner/Admins see every live member; a plain guest member
 * sees the accounts shared with them: every member of those they manage, only their own entry
 * otherwise. Only live entries are shown, so a page may hold fewer than `limit` accounts. The
 * members' own user records are not read (two round trips whatever their number): a member who left
 * the guest workspace stays listed until an owner revokes or removes them, while login and visibility
 * already refuse them (those check the caller's own, current membership).
 */
export async function listShares(ctx: UseCaseContext, partnershipId: string, page: PageRequest) {
  const shares = early(ctx.store.sharing.sharesPage(partnershipId, page));
  const { me, record, state, seesAll } = await partnershipContext(ctx, partnershipId, 'view');
  if (record.status !== 'active' || state.revokedAt) return { items: [], nextCursor: null };
  const result = await shares;
  const shown: Array<{ share: SharedAccountRecord; members: ShareMember[] }> = [];
  for (const share of result.items) {
    let members = liveMembers(share, state);
    if (!seesAll) {
      const own = members.find((m) => m.userId === me.userId);
      if (!own || !isCurrentMember(own, me, record.guestWorkspaceId)) continue;
      if (own.role !== 'manager') members = [own];
    }
    if (members.length > 0) shown.push({ share, members });
  }
  return { items: shown.map(({ share, members }) => shareView(share, members)), nextCursor: result.nextCursor };
}

// ---- DELETE /partnerships/{id}/shares/{accountId} --------------------------------------------------------------

/** Partnership Owners and host Owner/Admins revoke every share of the account in this partnership (one item). */
export function revokeShare(ctx: UseCaseContext, partnershipId: string, accountId: string) {
  const { sharing } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [{ me, record, state }, share] = await Promise.all([
      partnershipContext(ctx, partnershipId, 'revokeShare'),
      sharing.share(partnershipId, accountId),
    ]);
    if (!share) throw notFound('share');
    const { state: next, revoked } = revokeAccountShares(state, share, ctx.now);
    const tx = ctx.store.transaction();
    sharing.writeState(tx, state, next, record);
    sharing.deleteShare(tx, partnershipId, accountId);
    sharing.pointAccount(tx, accountId, record.guestWorkspaceId, undefined);
    ctx.store.partnerships.requireActive(tx, partnershipId);
    ctx.store.users.requireMembershipUnchanged(tx, me);
    appendActivity(tx, sharingScopes(record), {
      actorId: me.userId,
      action: 'share.revoked',
      target: { type: 'account', id: accountId },
      data: { accountName: share.accountName, members: revoked.map(({ userId, email, role }) => ({ userId, email, role })) },
      at: ctx.at,
    });
    recordEvent(ctx, tx, 'share.revoked.v1', {
      subject: subjects.account(partnershipId, accountId),
      data: {
        partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        accountId,
        members: revoked.map(({ userId, role }) => ({ userId, role })),
      },
      audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    });
    await tx.commit();
  });
}

// ---- DELETE /partnerships/{id}/guest-members/{userId} --------------------------------------------------------

/**
 * A Partnership Owner or guest Owner/Admin (or the guest member themselves) removes a guest member
 * from the partnership: all their shares end at once, whatever their number (one state write).
 */
export function removeGuestMember(ctx: UseCaseContext, partnershipId: string, userId: string) {
  return optimistic(ctx.store, async () => {
    const self = userId === ctx.caller.userId;
    const [context, target] = await Promise.all([
      partnershipContext(ctx, partnershipId, self ? 'view' : 'removeGuestMember'),
      ctx.store.users.get(userId),
    ]);
    const { me, record, state, access } = context;
    if (self && !access.isGuestMember) requireAction(context, 'removeGuestMember');
    // The entries the sharing state counts for them, whatever their membership now: the share list shows
    // them until they are removed (or the share is written again), so removing them must work too.
    const counted = Object.hasOwn(state.memberJoinedAt, userId) ? state.memberJoinedAt[userId] : undefined;
    const member: Membership = { userId, joinedAt: counted ?? undefined };
    const { state: next, revokedShares } = removeGuestMemberShares(state, member, ctx.now);
    const at = ctx.at;
    const tx = ctx.store.transaction();
    ctx.store.sharing.writeState(tx, state, next, record);
    ctx.store.partnerships.requireActive(tx, partnershipId);
    ctx.store.users.requireMembershipUnchanged(tx, me);
    appendActivity(tx, sharingScopes(record), {
      actorId: me.userId,
      action: self ? 'share.guest_member_left' : 'share.guest_member_removed',
      target: { type: 'user', id: userId },
      data: { email: target?.email ?? null, revokedShares },
      at,
    });
    recordEvent(ctx, tx, 'share.guest_member_removed.v1', {
      subject: subjects.partnership(partnershipId),
      data: {
        partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        userId,
        left: self,
        revokedShares: revokedShares ?? 0,
      },
      audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    });
    if (!self && target)
      notify(tx, {
        template: 'share.access_removed',
        to: [target.email],
        data: notificationData(record, { actorId: me.userId, actorName: me.name, actorWorkspaceId: me.workspaceId }),
        at,
      });
    await tx.commit();
  });
}
