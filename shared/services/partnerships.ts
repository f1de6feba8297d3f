/**
 * Host-guest partnerships (SPEC §5): the use cases of the HTTP routes. Each loads what it needs
 * (the partnership and its sharing state come with the caller in the wrapper's BatchGet, and
 * `partnershipContext` authorizes the caller), decides with shared/domain, and writes one
 * transaction; decisions then resume the workflow (docs/WORKFLOW.md).
 */
import { getItem, indexes, queryPage, tableName, transact, type Item, type TransactItem } from '../data/dynamo';
import { activityItems } from '../data/activity';
import { requireMember, isWorkspaceAdmin, type UserRecord } from '../domain/identity';
import {
  decide,
  decideRequest,
  decidersOf,
  manualReminderWait,
  MAX_OWNERS,
  MANUAL_REMINDER_INTERVAL_MS,
  invalidState,
  type DecisionAction,
  type PartnershipRecord,
  type PartnershipStatus,
} from '../domain/partnership';
import { listScopeFor, viewerOf, type PartnershipAccess } from '../domain/partnership-access';
import { businessRule, conflict, notFound, rateLimited } from '../errors';
import type { Caller } from '../http/handler';
import { newId } from '../ids';
import { keys, type ActivityScope } from '../store/keys';
import { notificationItems } from '../notify/outbox';
import {
  notificationData,
  partnershipSummary,
  resolveRecipients,
  StaleRecord,
  summaryFromItem,
  summaryProjection,
  toRecord,
  writeChange,
} from './partnership-store';
import { deliverResume, owedResume, startExecution } from './partnership-workflow';
import { authorizeViewer, listSharedWithMember, partnershipContext, type Load } from './sharing';
import { revocationItem } from './sharing-store';
import { workspaceAdminEmails } from './workspace-directory';

const MAX_ATTEMPTS = 4;

// ---- views --------------------------------------------------------------------------------------------

/** The partnership as its viewer may see it: the guest side does not see the host's internal reason. */
export function partnershipView(record: PartnershipRecord, access?: Pick<PartnershipAccess, 'isHostMember'>) {
  const hostSide = access?.isHostMember ?? true;
  const decision = (d: PartnershipRecord['hostDecision']) =>
    d ? { by: d.by, at: d.at, reason: d.reason ?? null, ...(d.auto ? { auto: true } : {}) } : null;
  return {
    ...partnershipSummary(record),
    reason: hostSide ? record.reason : null,
    requesterEmail: record.requesterEmail,
    owners: record.owners.map((o) => ({ userId: o.userId, email: o.email, addedAt: o.addedAt })),
    hostDecision: hostSide ? decision(record.hostDecision) : record.hostDecision ? { at: record.hostDecision.at } : null,
    guestDecision: decision(record.guestDecision),
    closed: decision(record.closed),
    resendCount: record.resendCount,
    stage: record.stageEnteredAt
      ? { enteredAt: record.stageEnteredAt, expiresAt: record.expiresAt ?? null, nextReminderAt: record.nextReminderAt ?? null }
      : null,
    lastReminderAt: record.lastReminderAt ?? null,
  };
}
export type PartnershipView = ReturnType<typeof partnershipView>;

// ---- POST /workspaces/{id}/partnerships ---------------------------------------------------------------

export interface RequestBody {
  guestWorkspaceId: string;
  partnerEmail: string;
  reason?: string;
}

export async function requestPartnership(caller: Caller, user: UserRecord, hostId: string, hostItem: Item | undefined, body: RequestBody, now: Date) {
  requireMember(user, hostId);
  if (!hostItem) throw notFound('workspace');
  const isHostAdmin = isWorkspaceAdmin(user, hostId);
  const sameWorkspace = body.guestWorkspaceId === hostId;
  // One read: the guest workspace, with its admin directory; the host's (to notify them) came preloaded.
  const guestItem = sameWorkspace ? undefined : await getItem(keys.workspace(body.guestWorkspaceId));
  const [guestAdmins, hostAdmins] = await Promise.all([
    guestItem ? workspaceAdminEmails(body.guestWorkspaceId, guestItem) : [],
    isHostAdmin ? [] : workspaceAdminEmails(hostId, hostItem),
  ]);
  const at = now.toISOString();
  const record = decideRequest({
    partnershipId: newId(now.getTime()),
    host: { workspaceId: hostId, name: hostItem.name },
    guestWorkspaceId: body.guestWorkspaceId,
    guest: guestItem ? { workspaceId: body.guestWorkspaceId, name: guestItem.name } : undefined,
    partnerEmail: body.partnerEmail,
    guestAdminEmails: guestAdmins,
    reason: body.reason,
    requester: { userId: caller.userId, email: user.email, isHostAdmin },
    now,
  });
  const notify = isHostAdmin
    ? { template: 'partnership.invitation', to: await resolveRecipients(['partner'], record, user.email) }
    : { template: 'partnership.requested', to: await resolveRecipients(['hostAdmins'], record, user.email, async () => hostAdmins) };
  await writeChange(
    {
      prev: undefined,
      next: record,
      activity: { action: 'partnership.requested', actorId: caller.userId, at, data: isHostAdmin ? { hostApproval: 'auto' } : {} },
      notification: { ...notify, at, data: { requesterEmail: record.requesterEmail } },
      // The requester's role is what made the request auto-approved (or not): still so at commit.
      extra: [
        {
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.user(caller.userId),
            ConditionExpression: 'workspaceId = :ws AND #role = :role',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':ws': hostId, ':role': user.role },
          },
        },
      ],
    },
    (index, _current, built) =>
      index === built.guardIndex
        ? conflict('partnership_exists', 'A partnership between these workspaces is already pending or active.', {
            hostWorkspaceId: hostId,
            guestWorkspaceId: body.guestWorkspaceId,
          })
        : conflict('concurrent_update', 'Your membership changed while the request was made; retry.'),
  );
  // The record is written; a failed start is reconciled by the scheduled job (no token shows up).
  await startExecution(record);
  return partnershipView(record);
}

// ---- GET ----------------------------------------------------------------------------------------------

export function readPartnership(user: UserRecord, load: Load, partnershipId: string) {
  const { record, access } = partnershipContext(user, load, partnershipId, 'view');
  return partnershipView(record, access);
}

export interface ListQuery {
  side: 'host' | 'guest';
  status?: PartnershipStatus;
  limit: number;
  cursor?: string;
}

/**
 * GET /workspaces/{id}/partnerships: one Query of gsi1. Host Owner/Admins: all of the host's; other
 * host members: the ones they own (their own list entries); guest Owner/Admins: those shown to the
 * guest; other guest members: those sharing something with them (sharing feature; empty until then).
 */
export async function listPartnerships(user: UserRecord, workspaceId: string, query: ListQuery) {
  const scope = listScopeFor(viewerOf(user), workspaceId, query.side);
  let partition: string;
  if (scope === 'host_all') partition = keys.partnershipsHostPartition(workspaceId);
  else if (scope === 'host_owned') partition = keys.partnershipsOwnerPartition(workspaceId, user.userId);
  else if (scope === 'guest_all') partition = keys.partnershipsGuestPartition(workspaceId);
  else return listSharedWithMember(user, workspaceId, query);
  const page = await queryPage(
    {
      IndexName: indexes.byOwner.name,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: summaryProjection.ProjectionExpression,
      ExpressionAttributeNames: { '#pk': indexes.byOwner.partitionKey, ...summaryProjection.names },
      ExpressionAttributeValues: { ':pk': partition, ...(query.status ? { ':status': query.status } : {}) },
      ...(query.status ? { FilterExpression: '#status = :status' } : {}),
      ScanIndexForward: false,
    },
    { limit: query.limit, cursor: query.cursor, scope: `${partition}|${query.status ?? '*'}` },
  );
  return { items: page.items.map(summaryFromItem), nextCursor: page.nextCursor };
}

// ---- decisions ------------------------------------------------------------------------------------------

export interface DecisionBody {
  reason?: string;
  acceptTerms?: boolean;
}

/**
 * The items that revoke every share of the partnership, added to the transaction that removes it
 * (DELETE /partnerships/{id}): one revoked marker on its sharing state, whatever the number of shares
 * (only an active partnership can have shares).
 */
export function shareRevocationItems(prev: PartnershipRecord, next: PartnershipRecord, now: Date): TransactItem[] {
  if (prev.status !== 'active') return [];
  return [revocationItem(next, next.closed?.by ?? 'system', now.toISOString())];
}

/**
 * approve, decline, accept, resend, cancel, DELETE: one conditional transaction (the version read),
 * re-decided on the current record when it lost a race (so the loser gets 409 invalid_state), then
 * the workflow is resumed with the stage's registered token. A failed resume is not the caller's
 * error: the decision is recorded and the scheduled job re-sends it.
 */
export async function decidePartnership(
  caller: Caller,
  user: UserRecord,
  load: Load,
  partnershipId: string,
  action: DecisionAction,
  body: DecisionBody,
  now: Date,
) {
  const { record, state } = partnershipContext(user, load, partnershipId, action);
  let current: PartnershipRecord | undefined = record;
  const hostAdmins = lazy(() => workspaceAdminEmails(record.hostWorkspaceId));
  for (let attempt = 1; ; attempt++) {
    const access = authorizeViewer(current, state, user, action);
    const prev = current!;
    const transition = decide(prev, action, { actorId: caller.userId, reason: body.reason, acceptTerms: body.acceptTerms, now });
    const next = transition.record;
    next.resume = owedResume(prev, transition.stage, transition.outcome, now) ?? prev.resume;
    const at = now.toISOString();
    const notification = transition.notification
      ? { template: transition.notification.template, to: await resolveRecipients(transition.notification.to, next, user.email, hostAdmins), at, data: { actorId: caller.userId, ...(body.reason ? { reason: body.reason } : {}) } }
      : undefined;
    try {
      await writeChange({
        prev,
        next,
        activity: { action: transition.activity, actorId: caller.userId, at, data: body.reason ? { reason: body.reason } : {} },
        notification,
        extra: action === 'remove' ? shareRevocationItems(prev, next, now) : [],
      });
    } catch (error) {
      if (error instanceof StaleRecord && attempt < MAX_ATTEMPTS) {
        current = error.current ? toRecord(error.current) : undefined;
        continue;
      }
      throw error;
    }
    if (next.resume && next.resume.token !== prev.resume?.token) await deliverResume(next, now);
    return partnershipView(next, access);
  }
}

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}

// ---- POST /partnerships/{id}/reminders ----------------------------------------------------------------

/**
 * A Partnership Owner reminds the deciders of the current stage; at most once per 24 h per
 * partnership (429 with Retry-After), enforced by a conditional update of lastReminderAt.
 */
export async function remindDeciders(caller: Caller, user: UserRecord, load: Load, partnershipId: string, now: Date) {
  const { record: p } = partnershipContext(user, load, partnershipId, 'remind');
  const wait = manualReminderWait(p.lastReminderAt, now);
  if (wait > 0) throw rateLimited(wait, 'A reminder was sent less than 24 hours ago.');
  const at = now.toISOString();
  const to = await resolveRecipients(decidersOf(p.status), p, user.email);
  const cutoff = new Date(now.getTime() - MANUAL_REMINDER_INTERVAL_MS).toISOString();
  const scopes: ActivityScope[] = [
    { kind: 'partnership', id: p.partnershipId },
    { kind: 'workspace', id: p.hostWorkspaceId },
    ...(p.guestVisible ? [{ kind: 'workspace' as const, id: p.guestWorkspaceId }] : []),
  ];
  await transact(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.partnership(p.partnershipId),
          UpdateExpression: 'SET lastReminderAt = :at, version = version + :one',
          ConditionExpression: '#status = :status AND (attribute_not_exists(lastReminderAt) OR lastReminderAt <= :cutoff)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':one': 1, ':status': p.status, ':cutoff': cutoff },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...activityItems(scopes, {
        actorId: caller.userId,
        action: 'partnership.reminder_sent',
        target: { type: 'partnership', id: p.partnershipId },
        data: { status: p.status, recipients: to.length },
        at,
      }),
      ...notificationItems({ template: 'partnership.reminder', to, data: notificationData(p, { actorId: caller.userId }), at }),
    ],
    (_index, current) => {
      if (current && current.status !== p.status) return invalidState(current.status, 'remind');
      const retry = manualReminderWait(current?.lastReminderAt, now);
      return rateLimited(Math.max(1, retry), 'A reminder was sent less than 24 hours ago.');
    },
  );
  return {
    partnershipId: p.partnershipId,
    status: p.status,
    remindedAt: at,
    recipients: to.length,
    nextReminderAllowedAt: new Date(now.getTime() + MANUAL_REMINDER_INTERVAL_MS).toISOString(),
  };
}

// ---- POST /partnerships/{id}/owners ----------------------------------------------------------------------

export async function addPartnershipOwner(caller: Caller, user: UserRecord, load: Load, partnershipId: string, userId: string, now: Date) {
  const { record, state } = partnershipContext(user, load, partnershipId, 'addOwner');
  let current: PartnershipRecord | undefined = record;
  const target = await getItem(keys.user(userId));
  for (let attempt = 1; ; attempt++) {
    const access = authorizeViewer(current, state, user, 'addOwner');
    const prev = current!;
    if (!target || target.workspaceId !== prev.hostWorkspaceId) {
      throw businessRule('not_host_member', 'A co-owner must be a member of the host workspace.', [{ field: 'body.userId', issue: 'not a member of the host workspace' }]);
    }
    if (prev.owners.some((o) => o.userId === userId)) throw conflict('already_owner', 'This user is already a Partnership Owner.');
    if (prev.owners.length >= MAX_OWNERS) {
      throw businessRule('too_many_owners', `A partnership has at most ${MAX_OWNERS} owners.`);
    }
    const at = now.toISOString();
    const next: PartnershipRecord = {
      ...prev,
      owners: [...prev.owners, { userId, email: String(target.email).toLowerCase(), addedAt: at, addedBy: caller.userId }],
      version: prev.version + 1,
      updatedAt: at,
    };
    try {
      await writeChange(
        {
          prev,
          next,
          activity: { action: 'partnership.owner_added', actorId: caller.userId, at, data: { userId } },
          notification: { template: 'partnership.owner_added', to: [String(target.email)], at, data: { actorId: caller.userId } },
          extra: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: keys.user(userId),
                ConditionExpression: 'workspaceId = :ws',
                ExpressionAttributeValues: { ':ws': prev.hostWorkspaceId },
              },
            },
          ],
        },
        () => businessRule('not_host_member', 'A co-owner must be a member of the host workspace.'),
      );
    } catch (error) {
      if (error instanceof StaleRecord && attempt < MAX_ATTEMPTS) {
        current = error.current ? toRecord(error.current) : undefined;
        continue;
      }
      throw error;
    }
    return partnershipView(next, access);
  }
}
