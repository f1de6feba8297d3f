/**
 * How a change of a partnership is written, whoever makes it (a route, the workflow, the job): the
 * record (store/partnerships.ts `change`), its activity entry in the partnership's and the workspaces'
 * logs, and the notification it causes, all in the caller's one transaction.
 */
import type { UseCaseContext } from '../../context';
import { stageOf, type PartnershipRecord, type PartnershipStatus, type Recipients } from '../../domain/partnership';
import { notify } from '../../notify/notify';
import { recordPartnershipMilestone, recordStageTime, type PartnershipMilestone } from '../../observability/metrics';
import { appendActivity, type ActivityScope } from '../../store/activity';
import { normalizeEmail } from '../../store/keys';
import type { Transaction } from '../../store/transaction';
import type { EventType } from '../../events/catalog';
import { appendEvent } from '../../store/events';
import { subjects } from '../events/record';

/** The partnership's log and the host's; the guest's once the guest may see the partnership. */
export function activityScopes(
  record: Pick<PartnershipRecord, 'partnershipId' | 'hostWorkspaceId' | 'guestWorkspaceId' | 'guestVisible'>,
): ActivityScope[] {
  const scopes: ActivityScope[] = [
    { kind: 'partnership', id: record.partnershipId },
    { kind: 'workspace', id: record.hostWorkspaceId },
  ];
  if (record.guestVisible) scopes.push({ kind: 'workspace', id: record.guestWorkspaceId });
  return scopes;
}

/** What every partnership notification carries (never a task token nor a key). */
export function notificationData(record: PartnershipRecord, extra: Record<string, unknown> = {}) {
  return {
    partnershipId: record.partnershipId,
    hostWorkspaceId: record.hostWorkspaceId,
    hostName: record.hostName,
    guestWorkspaceId: record.guestWorkspaceId,
    guestName: record.guestName,
    status: record.status,
    // The current stage's clock, for "waiting since" and "decide by" (a waiting status only).
    ...(record.stageEnteredAt && record.expiresAt ? { stageEnteredAt: record.stageEnteredAt, expiresAt: record.expiresAt } : {}),
    ...extra,
  };
}

/**
 * The e-mails of recipient groups. A workspace's Owner/Admins come from its admin directory, read only
 * when a group needs them (both directories in one BatchGet). The actor is never notified of their own action.
 */
export async function recipientsOf(
  ctx: UseCaseContext,
  groups: readonly Recipients[],
  record: PartnershipRecord,
  actorEmail: string | undefined,
): Promise<string[]> {
  const emails: string[] = [];
  const wanted = new Set(groups);
  const adminsOf = (workspaceId: string, group: Recipients) => (wanted.has(group) ? ctx.store.users.adminEmails(workspaceId) : []);
  const [hostAdmins, guestAdmins] = await Promise.all([
    adminsOf(record.hostWorkspaceId, 'hostAdmins'),
    adminsOf(record.guestWorkspaceId, 'guestAdmins'),
  ]);
  for (const group of wanted) {
    if (group === 'owners') emails.push(...record.owners.map((o) => o.email));
    if (group === 'partner') emails.push(record.partnerEmail);
    if (group === 'requester') emails.push(record.requesterEmail);
    if (group === 'hostAdmins') emails.push(...hostAdmins);
    if (group === 'guestAdmins') emails.push(...guestAdmins);
  }
  const actor = actorEmail ? normalizeEmail(actorEmail) : undefined;
  return [...new Set(emails.map(normalizeEmail))].filter((e) => e !== actor);
}

export interface ChangeEntry {
  /** Activity action, e.g. "partnership.approved"; the entry's data gets `from` and `to` statuses. */
  action: string;
  data?: Record<string, unknown>;
  /** The notification the change causes (recipients already resolved). */
  notification?: { template: string; to: readonly string[]; data?: Record<string, unknown> };
}

/** Adds a change of the partnership (`prev` undefined: its creation) with its activity and notification to `tx`. */
export function writeChange(
  ctx: UseCaseContext,
  tx: Transaction,
  prev: PartnershipRecord | undefined,
  next: PartnershipRecord,
  entry: ChangeEntry,
): void {
  if (prev) ctx.store.partnerships.change(tx, prev, next);
  else ctx.store.partnerships.create(tx, next);
  tx.afterCommit(() => recordTransition(ctx, prev, next));
  appendActivity(tx, activityScopes(next), {
    actorId: ctx.actorId,
    action: entry.action,
    target: { type: 'partnership', id: next.partnershipId },
    data: { from: prev?.status ?? null, to: next.status, ...entry.data },
    at: ctx.at,
  });
  const event = partnershipEvent(prev, next, entry);
  if (event) appendEvent(tx, { type: event.type, ...event.event, correlationId: ctx.correlationId, at: ctx.at });
  if (entry.notification) {
    notify(tx, {
      template: entry.notification.template,
      to: entry.notification.to,
      data: notificationData(next, entry.notification.data),
      at: ctx.at,
    });
  }
}

// ---- domain events (SPEC §11) ---------------------------------------------------------------------------

/**
 * What every partnership event carries: its subject, the parties and the statuses, addressed to the host
 * and (once it may see the partnership) the guest.
 */
export function partnershipEventOf(prev: PartnershipRecord | undefined, next: PartnershipRecord) {
  return {
    subject: subjects.partnership(next.partnershipId),
    data: {
      partnershipId: next.partnershipId,
      hostWorkspaceId: next.hostWorkspaceId,
      hostName: next.hostName,
      guestWorkspaceId: next.guestWorkspaceId,
      guestName: next.guestName,
      status: next.status,
      previousStatus: prev?.status ?? null,
    },
    audience: next.guestVisible ? [next.hostWorkspaceId, next.guestWorkspaceId] : [next.hostWorkspaceId],
  };
}

const termOf = (record: PartnershipRecord) =>
  record.term ? { startedAt: record.term.startedAt, endsAt: record.term.endsAt, days: record.term.days } : null;
const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});

/**
 * The event of a partnership change, by its activity action; undefined for the workflow's own
 * bookkeeping (reminders, restarts), which changes no state a party acts on. The host's internal reasons
 * (the request's and the host decision's) go to the host only.
 */
function partnershipEvent(
  prev: PartnershipRecord | undefined,
  next: PartnershipRecord,
  entry: ChangeEntry,
):
  | {
      type: EventType;
      event: { subject: string; data: Record<string, unknown>; audience: string[]; privateData?: Record<string, Record<string, unknown>> };
    }
  | undefined {
  const base = partnershipEventOf(prev, next);
  const hostOnly = (reason: string | null | undefined) => (reason ? { privateData: { [next.hostWorkspaceId]: { reason } } } : {});
  const with_ = (type: EventType, data: Record<string, unknown> = {}, extra: object = {}) => ({
    type,
    event: { ...base, data: { ...base.data, ...data }, ...extra },
  });
  switch (entry.action) {
    case 'partnership.requested':
      return with_('partnership.requested.v1', { requesterId: next.requesterId, termDays: next.termDays ?? null }, hostOnly(next.reason));
    case 'partnership.approved':
      return with_('partnership.approved.v1', {}, hostOnly(next.hostDecision?.reason));
    case 'partnership.declined_by_host':
      return with_('partnership.declined.v1', { by: 'host' }, hostOnly(next.hostDecision?.reason));
    case 'partnership.declined_by_guest':
      return with_('partnership.declined.v1', { by: 'guest', ...optional('guestReason', next.guestDecision?.reason) });
    case 'partnership.resent':
      return with_('partnership.resent.v1', { resendCount: next.resendCount });
    case 'partnership.accepted':
      return with_('partnership.accepted.v1', { term: termOf(next) });
    case 'partnership.cancelled':
      return with_('partnership.cancelled.v1', optional('reason', next.closed?.reason));
    case 'partnership.removed':
      return with_('partnership.removed.v1', optional('reason', next.closed?.reason));
    case 'partnership.expired':
      return with_('partnership.expired.v1');
    case 'partnership.ended':
      return with_('partnership.ended.v1', { term: termOf(next) });
    case 'partnership.recertification_opened':
      return next.recertification
        ? with_('partnership.recertification_opened.v1', { opensAt: next.recertification.opensAt, dueAt: next.recertification.dueAt })
        : undefined;
    case 'partnership.owner_added':
      return with_('partnership.owner_added.v1', { userId: entry.data?.userId });
    default:
      return undefined;
  }
}

/**
 * Every share of the partnership ends at once (removal of an active partnership, a lapsed term): ONE
 * event, whatever the number of shares, as the change itself is one revoked marker (a per-share event
 * could not fit MAX_TRANSACTION_ITEMS).
 */
export function recordAllSharesRevoked(
  ctx: UseCaseContext,
  tx: Transaction,
  record: PartnershipRecord,
  cause: 'partnership_removed' | 'partnership_ended',
): void {
  appendEvent(tx, {
    type: 'share.all_revoked.v1',
    subject: subjects.partnership(record.partnershipId),
    data: {
      partnershipId: record.partnershipId,
      hostWorkspaceId: record.hostWorkspaceId,
      guestWorkspaceId: record.guestWorkspaceId,
      cause,
    },
    audience: [record.hostWorkspaceId, record.guestWorkspaceId],
    correlationId: ctx.correlationId,
    at: ctx.at,
  });
}

/** The §12 milestone a status change reaches, if any. */
export function milestoneOf(from: PartnershipStatus | undefined, to: PartnershipStatus): PartnershipMilestone | undefined {
  if (from === to) return undefined;
  if (from === undefined) return 'requested';
  if (from === 'awaiting_host_approval' && to === 'awaiting_guest_acceptance') return 'approved';
  if (to === 'active' && from !== 'active') return 'accepted';
  if (to === 'declined_by_host' || to === 'declined_by_guest') return 'declined';
  if (to === 'expired') return 'expired';
  if (to === 'cancelled' || to === 'removed' || to === 'ended') return 'ended';
  return undefined;
}

/** Metrics of a committed change (SPEC §12): the milestone reached and the time spent in the stage it left. */
function recordTransition(ctx: UseCaseContext, prev: PartnershipRecord | undefined, next: PartnershipRecord): void {
  const milestone = milestoneOf(prev?.status, next.status);
  if (milestone) recordPartnershipMilestone(milestone);
  const left = prev && prev.status !== next.status ? stageOf(prev.status) : undefined;
  if (left && prev?.stageEnteredAt) recordStageTime(left, Math.max(0, (ctx.now.getTime() - Date.parse(prev.stageEnteredAt)) / 1000));
}
