/**
 * Access requests (SPEC §6): a guest member with a live Manager share asks access to the account for
 * another guest member; a Partnership Owner decides. Same shape as shares.ts: one BatchGet with the
 * caller, one transaction conditioned on what was read, `optimistic` on a lost race.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import {
  applyGrants,
  checkAccessTarget,
  decideAccessRequest,
  liveMembers,
  requireManager,
  seesAccessRequest,
  type AccessRequestRecord,
  type AccessRequestStatus,
} from '../../domain/sharing';
import { businessRule, notFound } from '../../errors';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity } from '../../store/activity';
import { recordEvent, subjects } from '../events/record';
import { normalizeEmail } from '../../store/keys';
import { partnershipContext } from '../partnerships/access';
import { notificationData } from '../partnerships/changes';
import { accessRequestView, sharingScopes } from './views';

export interface AccessRequestInput {
  accountId: string;
  email: string;
  role: 'collaborator';
}

/** POST /partnerships/{id}/access-requests: the share and the target's e-mail read with the caller, then the target. */
export function requestAccess(ctx: UseCaseContext, partnershipId: string, input: AccessRequestInput) {
  const { users, sharing } = ctx.store;
  const email = normalizeEmail(input.email);
  return optimistic(ctx.store, async () => {
    const [{ me, record, state }, share, targetId] = await Promise.all([
      partnershipContext(ctx, partnershipId, 'requestAccess'),
      sharing.share(partnershipId, input.accountId),
      users.idByEmail(email),
    ]);
    requireManager(share, state, me);
    const own = share.members[me.userId];
    const target = targetId ? await users.get(targetId) : undefined;
    checkAccessTarget(share, state, target, record.guestWorkspaceId);
    if (!own) throw notFound('shared account'); // requireManager found the caller's entry; this narrows it

    const at = ctx.at;
    const accessRequest: AccessRequestRecord = {
      accessRequestId: sharing.newAccessRequestId(partnershipId, ctx.now),
      partnershipId,
      accountId: share.accountId,
      accountName: share.accountName,
      userId: target.userId,
      email: target.email,
      role: input.role,
      status: 'pending',
      requestedBy: me.userId,
      requesterEmail: normalizeEmail(me.email),
      createdAt: at,
      updatedAt: at,
    };
    const tx = ctx.store.transaction();
    sharing.createAccessRequest(tx, accessRequest);
    ctx.store.partnerships.requireActive(tx, partnershipId);
    users.requireMembershipUnchanged(tx, me);
    users.requireMembershipUnchanged(tx, target);
    sharing.requireLiveEntry(tx, partnershipId, share.accountId, me.userId, own.seq, 'manager');
    appendActivity(tx, sharingScopes(record), {
      actorId: me.userId,
      action: 'access_request.created',
      target: { type: 'access_request', id: accessRequest.accessRequestId },
      data: { accountId: share.accountId, accountName: share.accountName, userId: target.userId, email: target.email, role: input.role },
      at,
    });
    recordEvent(ctx, tx, 'access_request.created.v1', {
      subject: subjects.accessRequest(accessRequest.accessRequestId),
      data: {
        partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        accessRequestId: accessRequest.accessRequestId,
        accountId: share.accountId,
        userId: target.userId,
        role: input.role,
      },
      audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    });
    notify(tx, {
      template: 'access_request.created',
      to: record.owners.map((o) => o.email),
      data: notificationData(record, {
        accessRequestId: accessRequest.accessRequestId,
        accountId: share.accountId,
        accountName: share.accountName,
        email: target.email,
        requesterEmail: accessRequest.requesterEmail,
      }),
      at,
    });
    await tx.commit();
    return accessRequestView(accessRequest);
  });
}

/**
 * POST /access-requests/{id}/approve|decline by a Partnership Owner (the id carries the partnership:
 * the request is read with it). Whoever may not see the partnership gets 404, with a real request id
 * as with an invented one; others 403; a decided request 409 invalid_state. Approval creates the
 * collaborator share (a member who is a Manager by now stays one).
 */
export function decideAccess(ctx: UseCaseContext, accessRequestId: string, action: 'approve' | 'decline', reason: string | undefined) {
  const { users, sharing } = ctx.store;
  const partnershipId = sharing.partnershipOfAccessRequest(accessRequestId) ?? '-';
  return optimistic(ctx.store, async () => {
    const [{ me, record, state }, current] = await Promise.all([
      partnershipContext(ctx, partnershipId, 'decideAccessRequest'),
      sharing.accessRequest(accessRequestId),
    ]);
    if (!current) throw notFound('access request');
    const next = decideAccessRequest(current, action, { actorId: me.userId, reason, now: ctx.now });
    const at = ctx.at;
    const tx = ctx.store.transaction();
    sharing.decideAccessRequest(tx, next, at);
    ctx.store.partnerships.requireActive(tx, partnershipId);
    users.requireMembershipUnchanged(tx, me);
    if (action === 'approve') {
      const [share, target] = await Promise.all([sharing.share(partnershipId, current.accountId), users.get(current.userId)]);
      if (!share || liveMembers(share, state).length === 0) {
        throw businessRule('account_not_shared', 'The account is no longer shared through this partnership: share it again instead.');
      }
      if (!target || target.workspaceId !== record.guestWorkspaceId) {
        throw businessRule('not_guest_member', 'The member is no longer in the guest workspace.', [
          { field: 'userId', issue: 'not a member of the guest workspace' },
        ]);
      }
      const result = applyGrants(
        state,
        share,
        { accountId: share.accountId, name: share.accountName },
        [{ userId: target.userId, email: target.email, role: current.role, joinedAt: target.joinedAt ?? null }],
        me.userId,
        ctx.now,
        { keepHigherRole: true },
      );
      sharing.writeState(tx, state, result.state, record);
      sharing.putShare(tx, result.share);
      users.requireMembershipUnchanged(tx, target);
    }
    const withReason = reason ? { reason } : {};
    appendActivity(tx, sharingScopes(record), {
      actorId: me.userId,
      action: `access_request.${next.status}`,
      target: { type: 'access_request', id: accessRequestId },
      data: {
        accountId: current.accountId,
        accountName: current.accountName,
        userId: current.userId,
        email: current.email,
        role: current.role,
        ...withReason,
      },
      at,
    });
    recordEvent(ctx, tx, next.status === 'approved' ? 'access_request.approved.v1' : 'access_request.declined.v1', {
      subject: subjects.accessRequest(accessRequestId),
      data: {
        partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        accessRequestId,
        accountId: current.accountId,
        userId: current.userId,
        role: current.role,
        ...withReason,
      },
      audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    });
    notify(tx, {
      template: `access_request.${next.status}`,
      to: [current.requesterEmail, current.email].filter((e) => normalizeEmail(e) !== normalizeEmail(me.email)),
      data: notificationData(record, {
        accessRequestId,
        accountId: current.accountId,
        accountName: current.accountName,
        email: current.email,
        ...withReason,
      }),
      at,
    });
    await tx.commit();
    return accessRequestView(next);
  });
}

/**
 * GET /partnerships/{id}/access-requests?status=: newest first (the Query starts beside the
 * authorization reads). Owners and host/guest Owner/Admins see all; a plain guest member those they
 * made or that are for them (applied to the page: a page may hold fewer than `limit` items).
 */
export async function listAccessRequests(
  ctx: UseCaseContext,
  partnershipId: string,
  query: PageRequest & { status?: AccessRequestStatus },
) {
  const requests = early(ctx.store.sharing.accessRequestsPage(partnershipId, query.status, { limit: query.limit, cursor: query.cursor }));
  const { me, seesAll } = await partnershipContext(ctx, partnershipId, 'view');
  const result = await requests;
  return { items: result.items.filter((r) => seesAccessRequest(r, me, seesAll)).map(accessRequestView), nextCursor: result.nextCursor };
}
