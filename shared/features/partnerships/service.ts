/**
 * Host-guest partnerships (SPEC §5): the use cases of the HTTP routes. Each reads what it decides on
 * with the caller in one BatchGet (`partnershipContext` authorizes every /partnerships/{id} route),
 * decides with shared/domain/partnership.ts, and writes one transaction whose named conditions re-check
 * what the decision was based on (the partnership's version, the caller's role...); when one fails,
 * `optimistic` reads again and decides again, so the loser of two decisions gets 409 invalid_state.
 * Decisions then resume the workflow, after the commit (workflow.ts; docs/WORKFLOW.md).
 */
import type { UseCaseContext } from '../../context';
import { isWorkspaceAdmin, requireMember } from '../../domain/identity';
import {
  decide,
  decideAddOwner,
  decidersOf,
  decideRequest,
  invalidState,
  manualReminderWait,
  MANUAL_REMINDER_INTERVAL_MS,
  owedResume,
  type DecisionAction,
  type PartnershipStatus,
} from '../../domain/partnership';
import { listScopeFor, viewerOf } from '../../domain/partnership-access';
import { BOTH_SIDES, decideRecertify, sideActor, type Side } from '../../domain/partnership-term';
import { businessRule, conflict, notFound, rateLimited } from '../../errors';
import { newId } from '../../ids';
import { notify } from '../../notify/notify';
import { optimistic, type PageRequest } from '../../store';
import { appendActivity } from '../../store/activity';
import { PARTNERSHIP_CONDITIONS, partnershipFromItem } from '../../store/partnerships';
import { adminEmailsOf, USER_CONDITIONS } from '../../store/users';
import { partnershipContext } from './access';
import { activityScopes, notificationData, partnershipEventOf, recipientsOf, recordAllSharesRevoked, writeChange } from './changes';
import { recordEvent } from '../events/record';
import { partnershipView } from './views';
import { deliverResume, startExecution } from './workflow';

// ---- POST /workspaces/{id}/partnerships ---------------------------------------------------------------

export interface RequestInput {
  guestWorkspaceId: string;
  partnerEmail: string;
  reason?: string;
  /** SPEC §10: 30..365; without it the host policy's default term (null: open-ended). */
  termDays?: number;
}

/**
 * Any host member requests a partnership; a host Owner/Admin's request skips host approval, and so
 * does a member's toward a workspace the host trusts (SPEC §10). The caller, the host and the guest
 * workspace (with their admin directories) and both partner policies in one BatchGet. The record is
 * written first; a failed start of the execution is reconciled by the scheduled job.
 */
export async function requestPartnership(ctx: UseCaseContext, hostId: string, input: RequestInput) {
  const { users, policies } = ctx.store;
  const record = await optimistic(ctx.store, async () => {
    const sameWorkspace = input.guestWorkspaceId === hostId;
    const [me, host, guest, hostPolicy, guestPolicy] = await Promise.all([
      ctx.me(),
      users.workspace(hostId),
      sameWorkspace ? undefined : users.workspace(input.guestWorkspaceId),
      policies.get(hostId),
      sameWorkspace ? undefined : policies.get(input.guestWorkspaceId),
    ]);
    requireMember(me, hostId);
    if (!host) throw notFound('workspace');
    const isHostAdmin = isWorkspaceAdmin(me, hostId);
    const requested = decideRequest({
      partnershipId: newId(ctx.now.getTime()),
      host: { workspaceId: hostId, name: host.name },
      guestWorkspaceId: input.guestWorkspaceId,
      guest: guest ? { workspaceId: guest.workspaceId, name: guest.name } : undefined,
      partnerEmail: input.partnerEmail,
      guestAdminEmails: guest ? adminEmailsOf(guest) : [],
      reason: input.reason,
      requester: { userId: me.userId, email: me.email, isHostAdmin },
      termDays: input.termDays,
      hostPolicy,
      guestPolicy,
      now: ctx.now,
    });
    const skipped = requested.status === 'awaiting_guest_acceptance';
    const tx = ctx.store.transaction();
    writeChange(ctx, tx, undefined, requested, {
      action: 'partnership.requested',
      data: {
        ...(isHostAdmin ? { hostApproval: 'auto' } : skipped ? { hostApproval: 'policy' } : {}),
        termDays: requested.termDays ?? null,
      },
      notification: {
        template: skipped ? 'partnership.invitation' : 'partnership.requested',
        to: await recipientsOf(ctx, [skipped ? 'partner' : 'hostAdmins'], requested, me.email),
        data: { requesterEmail: requested.requesterEmail, requesterName: me.name, ...(skipped ? {} : { reason: requested.reason }) },
      },
    });
    // The requester's role is what made the request auto-approved (or not): still so at commit.
    users.requireMembershipUnchanged(tx, me);
    await tx.commit({
      [PARTNERSHIP_CONDITIONS.pairFree]: () =>
        conflict('partnership_exists', 'A partnership between these workspaces is already pending or active.', {
          hostWorkspaceId: hostId,
          guestWorkspaceId: input.guestWorkspaceId,
        }),
    });
    return requested;
  });
  await startExecution(ctx, record);
  return partnershipView(record);
}

// ---- reads ---------------------------------------------------------------------------------------------

/** GET /partnerships/{id}: whoever may see it (the guest side without the host's internal reason). */
export async function readPartnership(ctx: UseCaseContext, partnershipId: string) {
  const { record, access } = await partnershipContext(ctx, partnershipId, 'view');
  return partnershipView(record, access);
}

export interface ListQuery extends PageRequest {
  side: 'host' | 'guest';
  status?: PartnershipStatus;
}

/**
 * GET /workspaces/{id}/partnerships: one Query, whose list depends on the caller's role (so it follows
 * the caller's read). Host Owner/Admins: all of the host's; other host members: those they own; guest
 * Owner/Admins: those shown to the guest; other guest members: the active ones sharing something with them.
 */
export async function listPartnerships(ctx: UseCaseContext, workspaceId: string, query: ListQuery) {
  const { partnerships, sharing } = ctx.store;
  const me = await ctx.me();
  const page = { limit: query.limit, cursor: query.cursor };
  switch (listScopeFor(viewerOf(me), workspaceId, query.side)) {
    case 'host_all':
      return partnerships.hostPage(workspaceId, query.status, page);
    case 'host_owned':
      return partnerships.ownedPage(workspaceId, me.userId, query.status, page);
    case 'guest_all':
      return partnerships.guestPage(workspaceId, query.status, page);
    case 'guest_shared':
      if (query.status && query.status !== 'active') return { items: [], nextCursor: null };
      return sharing.sharedWithMemberPage(workspaceId, me, { ...page, status: query.status });
  }
}

// ---- decisions ------------------------------------------------------------------------------------------

export interface DecisionInput {
  reason?: string;
  acceptTerms?: boolean;
}

/**
 * approve, decline, accept, resend, cancel, DELETE: one transaction conditioned on the version read,
 * then the workflow is resumed with the stage's registered token. A failed resume is not the caller's
 * error: the decision is recorded and the scheduled job re-sends it. Removing an active partnership
 * revokes every share in the same transaction.
 */
export async function decidePartnership(ctx: UseCaseContext, partnershipId: string, action: DecisionAction, input: DecisionInput = {}) {
  const decided = await optimistic(ctx.store, async () => {
    const { me, record: prev, access } = await partnershipContext(ctx, partnershipId, action);
    const transition = decide(prev, action, { actorId: me.userId, reason: input.reason, acceptTerms: input.acceptTerms, now: ctx.now });
    const next = transition.record;
    next.resume = owedResume(prev, transition.stage, transition.outcome, ctx.now) ?? prev.resume;
    const reason = input.reason ? { reason: input.reason } : {};
    const tx = ctx.store.transaction();
    writeChange(ctx, tx, prev, next, {
      action: transition.activity,
      data: reason,
      notification: transition.notification && {
        template: transition.notification.template,
        to: await recipientsOf(ctx, transition.notification.to, next, me.email),
        data: { actorId: me.userId, actorName: me.name, actorWorkspaceId: me.workspaceId, ...reason },
      },
    });
    // Only an active partnership can have shares: one revoked marker, whatever their number.
    if (action === 'remove' && prev.status === 'active') {
      ctx.store.sharing.revokeAll(tx, next, next.closed?.by ?? me.userId, ctx.at);
      recordAllSharesRevoked(ctx, tx, next, 'partnership_removed');
    }
    await tx.commit();
    return { prev, next, view: partnershipView(next, access) };
  });
  const { prev, next } = decided;
  if (next.resume && next.resume.token !== prev.resume?.token) await deliverResume(ctx, next);
  return decided.view;
}

// ---- POST /partnerships/{id}/reminders ----------------------------------------------------------------

/**
 * A Partnership Owner reminds the deciders of the current stage; at most once per 24 h per
 * partnership (429 with Retry-After), enforced by the condition on lastReminderAt.
 */
export function remindDeciders(ctx: UseCaseContext, partnershipId: string) {
  return optimistic(ctx.store, async () => {
    const { me, record } = await partnershipContext(ctx, partnershipId, 'remind');
    const wait = manualReminderWait(record.lastReminderAt, ctx.now);
    if (wait > 0) throw rateLimited(wait, 'A reminder was sent less than 24 hours ago.');
    const at = ctx.at;
    const to = await recipientsOf(ctx, decidersOf(record.status), record, me.email);
    const cutoff = new Date(ctx.now.getTime() - MANUAL_REMINDER_INTERVAL_MS).toISOString();
    const tx = ctx.store.transaction();
    ctx.store.partnerships.markReminded(tx, record, at, cutoff);
    appendActivity(tx, activityScopes(record), {
      actorId: me.userId,
      action: 'partnership.reminder_sent',
      target: { type: 'partnership', id: record.partnershipId },
      data: { status: record.status, recipients: to.length },
      at,
    });
    const actor = { actorId: me.userId, actorName: me.name, actorWorkspaceId: me.workspaceId };
    notify(tx, { template: 'partnership.reminder', to, data: notificationData(record, actor), at });
    await tx.commit({
      [PARTNERSHIP_CONDITIONS.reminderAllowed]: (item) => {
        const current = partnershipFromItem(item);
        if (current && current.status !== record.status) return invalidState(current.status, 'remind');
        return rateLimited(
          Math.max(1, manualReminderWait(current?.lastReminderAt, ctx.now)),
          'A reminder was sent less than 24 hours ago.',
        );
      },
    });
    return {
      partnershipId: record.partnershipId,
      status: record.status,
      remindedAt: at,
      recipients: to.length,
      nextReminderAllowedAt: new Date(ctx.now.getTime() + MANUAL_REMINDER_INTERVAL_MS).toISOString(),
    };
  });
}

// ---- POST /partnerships/{id}/recertify (SPEC §10) ---------------------------------------------------------

/**
 * One side confirms the open round: the host side (a Partnership Owner or host Owner/Admin) or the
 * guest side (a guest Owner/Admin); a side that confirmed already gets the same answer, nothing
 * written. The second side's confirmation renews the term in the same transaction and then resumes
 * AwaitRecertification with 'renewed' (records first; a failed resume is re-sent by the job). Against
 * the job's lapse at `endsAt` the version condition decides: exactly one of them is recorded.
 */
export async function recertify(ctx: UseCaseContext, partnershipId: string) {
  const decided = await optimistic(ctx.store, async () => {
    const { me, record: prev, access } = await partnershipContext(ctx, partnershipId, 'recertify');
    const side: Side = access.isHostMember ? 'host' : 'guest';
    const decision = decideRecertify(prev, side, me.userId, ctx.now);
    if (decision.unchanged) return { prev, next: prev, view: partnershipView(prev, access) };
    const next = decision.record;
    if (decision.renewed) next.resume = owedResume(prev, 'recertification', 'renewed', ctx.now) ?? prev.resume;
    const at = ctx.at;
    const other: Side = side === 'host' ? 'guest' : 'host';
    const ownScopes = [
      { kind: 'partnership', id: prev.partnershipId },
      { kind: 'workspace', id: side === 'host' ? prev.hostWorkspaceId : prev.guestWorkspaceId },
    ] as const;
    const otherScope = [{ kind: 'workspace', id: other === 'host' ? prev.hostWorkspaceId : prev.guestWorkspaceId }] as const;
    const target = { type: 'partnership', id: prev.partnershipId };
    const tx = ctx.store.transaction();
    ctx.store.partnerships.change(tx, prev, next);
    // The confirming side's logs name who; the other side's log says when (a side sees who confirmed on its own side).
    const confirmed = { action: 'partnership.recertified', target, data: { side, dueAt: prev.recertification?.dueAt }, at };
    appendActivity(tx, ownScopes, { ...confirmed, actorId: me.userId });
    appendActivity(tx, otherScope, { ...confirmed, actorId: sideActor(side) });
    const sideWorkspace = side === 'host' ? prev.hostWorkspaceId : prev.guestWorkspaceId;
    const base = partnershipEventOf(prev, next);
    recordEvent(ctx, tx, 'partnership.recertification_confirmed.v1', {
      ...base,
      data: { ...base.data, side, dueAt: prev.recertification?.dueAt ?? null },
      privateData: { [sideWorkspace]: { confirmedBy: me.userId } },
    });
    if (decision.renewed && next.term) {
      const term = { startedAt: next.term.startedAt, endsAt: next.term.endsAt, days: next.term.days };
      recordEvent(ctx, tx, 'partnership.renewed.v1', { ...base, data: { ...base.data, term } });
    }
    if (decision.renewed) {
      const renewed = { action: 'partnership.renewed', target, data: { side, from: prev.term, to: next.term }, at };
      appendActivity(tx, ownScopes, { ...renewed, actorId: me.userId });
      appendActivity(tx, otherScope, { ...renewed, actorId: sideActor(side) });
      notify(tx, {
        template: 'partnership.renewed',
        to: await recipientsOf(ctx, BOTH_SIDES, next, me.email),
        data: notificationData(next, { startedAt: next.term?.startedAt, endsAt: next.term?.endsAt, days: next.term?.days }),
        at,
      });
    }
    // The confirming role still holds when the write commits (a demotion meanwhile is decided again).
    ctx.store.users.requireMembershipUnchanged(tx, me);
    await tx.commit();
    return { prev, next, view: partnershipView(next, access) };
  });
  const { prev, next } = decided;
  if (next.resume && next.resume.token !== prev.resume?.token) await deliverResume(ctx, next);
  return decided.view;
}

// ---- POST /partnerships/{id}/owners ----------------------------------------------------------------------

/** A Partnership Owner adds a host member as co-owner (the target read with the partnership). */
export function addPartnershipOwner(ctx: UseCaseContext, partnershipId: string, userId: string) {
  const { users } = ctx.store;
  return optimistic(ctx.store, async () => {
    const [{ me, record: prev, access }, target] = await Promise.all([
      partnershipContext(ctx, partnershipId, 'addOwner'),
      users.get(userId),
    ]);
    const next = decideAddOwner(prev, target, { actorId: me.userId, now: ctx.now });
    const owner = next.owners[next.owners.length - 1];
    const tx = ctx.store.transaction();
    writeChange(ctx, tx, prev, next, {
      action: 'partnership.owner_added',
      data: { userId },
      notification: {
        template: 'partnership.owner_added',
        to: owner ? [owner.email] : [],
        data: { actorId: me.userId, actorName: me.name },
      },
    });
    users.requireMembership(tx, userId, prev.hostWorkspaceId, USER_CONDITIONS.inWorkspace);
    await tx.commit({
      [USER_CONDITIONS.inWorkspace]: () => businessRule('not_host_member', 'A co-owner must be a member of the host workspace.'),
    });
    return partnershipView(next, access);
  });
}
