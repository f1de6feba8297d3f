/**
 * The scheduled job's processor for partnerships (called by shared/services/reminder-job.ts for each
 * due item of gsi2 whose type is PARTNERSHIP). In this order:
 *   1. resume: re-sends a decision's SendTaskSuccess (or the expiry's SendTaskFailure) that did not
 *      complete; a closed task counts as done;
 *   2. expiry: a stage undecided for 30 days is recorded `expired` (requester notified, pair freed),
 *      then its wait task is failed with `Expired`;
 *   3. reconciliation: a waiting stage without a registered task token for RECONCILE_AFTER (the start
 *      failed, or the execution was lost, e.g. a local server restart) gets a new execution
 *      `<id>-r<n>`, which goes straight to the stage the record is in;
 *   4. reminders: 3 days into a stage its deciders are reminded, then every 3 days.
 * Finally the due index is moved to the next due time (or removed).
 */
import { getItem, transact } from '../data/dynamo';
import {
  executionNameFor,
  nextDueAt,
  nextReminderAfter,
  planDue,
  decidersOf,
  type PartnershipRecord,
} from '../domain/partnership';
import { logger } from '../http/logger';
import { ENTITY, keys } from '../store/keys';
import { TABLE } from '../store/table';
import { resolveRecipients, StaleRecord, toRecord, writeChange, dueAssignment, updateItem } from './partnership-store';
import { deliverResume, expirePartnership, startExecution } from './partnership-workflow';

export type DueResult = 'reminded' | 'expired' | 'resumed' | 'skipped';

export async function processDuePartnership(item: Record<string, any>, now: Date): Promise<DueResult> {
  if (item.type !== ENTITY.partnership || typeof item.partnershipId !== 'string') return 'skipped';
  // The index copy may lag: decide on the item itself.
  const fresh = await getItem(keys.partnership(item.partnershipId));
  if (!fresh) return 'skipped';
  let record = toRecord(fresh);
  let result: DueResult = 'skipped';
  try {
    const plan = planDue(record, now);
    if (plan.resume) {
      const done = await deliverResume(record, now, { fromJob: true });
      if (done) result = 'resumed';
      record = toRecord((await getItem(keys.partnership(record.partnershipId))) ?? fresh);
    }
    const after = planDue(record, now);
    if (after.expire) {
      return (await expirePartnership(record, now, { endWorkflow: true })) ? 'expired' : result;
    }
    if (after.restart) {
      record = await restartExecution(record, now);
      result = 'resumed';
    }
    if (after.remind) {
      record = await sendReminder(record, now);
      result = 'reminded';
    }
    await syncDueIndex(record);
    return result;
  } catch (error) {
    if (error instanceof StaleRecord) {
      // Changed meanwhile (a decision, a token registered): the next run sees the new state.
      return result;
    }
    throw error;
  }
}

/** A new execution for a stage whose wait task never registered (or whose execution was lost). */
async function restartExecution(record: PartnershipRecord, now: Date): Promise<PartnershipRecord> {
  const restarts = record.executionRestarts + 1;
  const next: PartnershipRecord = {
    ...record,
    executionRestarts: restarts,
    executionName: executionNameFor(record.partnershipId, restarts),
    tokenExpectedSince: now.toISOString(),
    version: record.version + 1,
  };
  // Recorded first (conditional on the version): two job runs never start two executions.
  await writeChange({
    prev: record,
    next,
    activity: {
      action: 'partnership.workflow_restarted',
      actorId: 'system',
      at: now.toISOString(),
      data: { executionName: next.executionName, reason: 'no task token registered' },
    },
  });
  logger.info('restarting the partnership workflow', { partnershipId: record.partnershipId, executionName: next.executionName, status: record.status });
  await startExecution(next);
  return next;
}

/** The automatic reminder of the stage's deciders, on the stage's 3-day grid. */
async function sendReminder(record: PartnershipRecord, now: Date): Promise<PartnershipRecord> {
  const next: PartnershipRecord = {
    ...record,
    remindersSent: record.remindersSent + 1,
    nextReminderAt: nextReminderAfter(record.stageEnteredAt ?? record.updatedAt, now),
    version: record.version + 1,
  };
  const at = now.toISOString();
  await writeChange({
    prev: record,
    next,
    activity: { action: 'partnership.reminder_sent', actorId: 'system', at, data: { reminder: next.remindersSent } },
    notification: {
      template: 'partnership.reminder',
      to: await resolveRecipients(decidersOf(record.status), record, undefined),
      at,
      data: { reminder: next.remindersSent, automatic: true },
    },
  });
  return next;
}

/** Moves gsi2 to the record's next due time (or removes it) when the item does not carry it already. */
async function syncDueIndex(record: PartnershipRecord): Promise<void> {
  const due = nextDueAt(record);
  const wanted = due ? keys.partnershipDue(due, record.partnershipId)[TABLE.indexes.due.sortKey] : undefined;
  const current = await getItem(keys.partnership(record.partnershipId));
  if (!current) return;
  if (current[TABLE.indexes.due.sortKey] === wanted) return;
  const latest = toRecord(current);
  const assignment = dueAssignment(latest);
  await transact(
    [
      updateItem(record.partnershipId, {
        set: assignment.set,
        remove: assignment.remove,
        condition: 'version = :seen',
        names: assignment.names,
        values: { ':seen': latest.version, ...assignment.values },
      }),
    ],
    (_i, cur) => new StaleRecord(cur),
  );
}
