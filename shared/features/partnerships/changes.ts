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
  if (entry.notification) {
    notify(tx, {
      template: entry.notification.template,
      to: entry.notification.to,
      data: notificationData(next, entry.notification.data),
      at: ctx.at,
    });
  }
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
