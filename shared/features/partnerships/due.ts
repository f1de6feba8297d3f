/**
 * What the scheduled job does with a partnership the due index names (shared/features/jobs/reminder-job.ts).
 * In this order:
 *   1. resume: re-sends a decision's SendTaskSuccess (or the expiry's SendTaskFailure) that did not
 *      complete; a closed task counts as done (the same `deliverResume` the decision routes use);
 *   2. expiry: a stage undecided for 30 days is recorded `expired` (requester notified, pair freed),
 *      then its wait task is failed with `Expired` (the same `expirePartnership` RecordExpiry uses);
 *   3. reconciliation: a waiting stage without a registered task token for RECONCILE_AFTER (the start
 *      failed, or the execution was lost) gets a new execution `<id>-r<n>`, which goes straight to the
 *      stage the record is in;
 *   4. reminders: 3 days into a stage its deciders are reminded, then every 3 days.
 * and for an active partnership with a term (SPEC §10; docs/WORKFLOW.md, "The term life"):
 *   - lapse: `endsAt` passed without both confirmations: `ended`, shares revoked, both sides notified,
 *     then the waiting term task is failed with 'Lapsed';
 *   - round: at `opensAt` the round opens (both sides reminded at once), then AwaitRound is resumed
 *     with 'opened'; the sides that have not confirmed are reminded every 3 days;
 *   - continuation: 330 days after its execution started, a new execution `<id>-c<n>` continues the
 *     life and the old one is failed with 'ContinuedAsNew' (Step Functions' one-year limit).
 * Finally the due index is moved to the next due time (or removed). Every write is conditioned on what
 * was read: when the partnership changed meanwhile (a decision, a token registered), the next run sees it.
 */
import type { UseCaseContext } from '../../context';
import {
  decideAutomaticReminder,
  decideContinuation,
  decidersOf,
  decideRestart,
  owedResume,
  planDue,
  type PartnershipRecord,
} from '../../domain/partnership';
import { decideOpenRound, decideRoundReminder, recipientsOfSides } from '../../domain/partnership-term';
import { logger } from '../../logger';
import { ConcurrentChange } from '../../store';
import { wantedDueKey } from '../../store/partnerships';
import { recipientsOf, writeChange } from './changes';
import { deliverResume, expirePartnership, lapsePartnership, startExecution } from './workflow';

export type DueResult = 'reminded' | 'expired' | 'resumed' | 'skipped' | 'roundsOpened' | 'ended' | 'continued';

export async function processDuePartnership(ctx: UseCaseContext, due: { partnershipId: string; dueKey: string }): Promise<DueResult> {
  const { partnerships } = ctx.store;
  const { partnershipId } = due;
  // The index copy may lag: decide on the item itself.
  let record = await partnerships.get(partnershipId);
  if (!record) return 'skipped';
  let result: DueResult = 'skipped';
  try {
    if (planDue(record, ctx.now).resume) {
      if (await deliverResume(ctx, record, { fromJob: true })) result = 'resumed';
      ctx.store.clear();
      record = (await partnerships.get(partnershipId)) ?? record;
    }
    const plan = planDue(record, ctx.now);
    if (plan.expire) return (await expirePartnership(ctx, partnershipId, { endWorkflow: true })) ? 'expired' : result;
    if (plan.term.lapse) return (await lapsePartnership(ctx, partnershipId, { endWorkflow: true })) ? 'ended' : result;
    if (plan.restart) {
      record = await restartExecution(ctx, record);
      result = 'resumed';
    }
    if (plan.term.open) {
      record = await openRound(ctx, record);
      result = 'roundsOpened';
    } else if (plan.term.remind) {
      record = await remindUnconfirmedSides(ctx, record);
      result = 'reminded';
    }
    if (plan.remind) {
      record = await remindDeciders(ctx, record);
      result = 'reminded';
    }
    // Not while a resume is still owed (it is retried first), nor in the run that just moved the stage.
    if (plan.term.continue && !record.resume && record.taskToken) {
      record = await continueExecution(ctx, record);
      result = 'continued';
    }
    await syncDueIndex(ctx, record);
    return result;
  } catch (error) {
    // Changed meanwhile: the next run decides on the new state.
    if (error instanceof ConcurrentChange) return result;
    throw error;
  }
}

/**
 * A new execution for a stage whose wait task never registered, or whose execution was lost (recorded
 * first: two runs never start two). The job calls it; so does scripts/ops/resume-partnership.ts.
 */
export async function restartExecution(ctx: UseCaseContext, record: PartnershipRecord): Promise<PartnershipRecord> {
  const next = decideRestart(record, ctx.now);
  const tx = ctx.store.transaction();
  writeChange(ctx, tx, record, next, {
    action: 'partnership.workflow_restarted',
    data: { executionName: next.executionName, reason: 'no task token registered' },
  });
  await tx.commit();
  logger.info('restarting the partnership workflow', {
    partnershipId: record.partnershipId,
    executionName: next.executionName,
    status: record.status,
  });
  await startExecution(ctx, next);
  return next;
}

/**
 * The round opens (record first: one transaction with both sides' notification), then AwaitRound is
 * resumed with 'opened' on its registered token (a failed resume is retried by a later run).
 */
async function openRound(ctx: UseCaseContext, record: PartnershipRecord): Promise<PartnershipRecord> {
  const transition = decideOpenRound(record, ctx.now);
  const next = transition.record;
  next.resume = owedResume(record, transition.stage, transition.outcome, ctx.now) ?? record.resume;
  const tx = ctx.store.transaction();
  writeChange(ctx, tx, record, next, {
    action: transition.activity,
    data: { opensAt: next.recertification?.opensAt, dueAt: next.recertification?.dueAt },
    notification: transition.notification && {
      template: transition.notification.template,
      to: await recipientsOf(ctx, transition.notification.to, next, undefined),
      data: { opensAt: next.recertification?.opensAt, dueAt: next.recertification?.dueAt },
    },
  });
  await tx.commit();
  if (next.resume && next.resume.token !== record.resume?.token) await deliverResume(ctx, next, { fromJob: true });
  return next;
}

/** The sides that have not confirmed the open round are reminded, on its 3-day grid from opensAt. */
async function remindUnconfirmedSides(ctx: UseCaseContext, record: PartnershipRecord): Promise<PartnershipRecord> {
  const { record: next, sides } = decideRoundReminder(record, ctx.now);
  const tx = ctx.store.transaction();
  writeChange(ctx, tx, record, next, {
    action: 'partnership.recertification_reminder_sent',
    data: { sides, reminder: next.recertification?.remindersSent },
    notification: {
      template: 'partnership.recertification_reminder',
      to: await recipientsOf(ctx, recipientsOfSides(sides), record, undefined),
      data: { dueAt: record.recertification?.dueAt, reminder: next.recertification?.remindersSent },
    },
  });
  await tx.commit();
  return next;
}

/**
 * Before Step Functions' one-year limit: the record names a new execution and owes the old one's token
 * a 'ContinuedAsNew' failure (one transaction), then the new execution starts (it registers at the
 * record's stage) and the old one is ended. A failed start is reconciled like a lost execution.
 */
async function continueExecution(ctx: UseCaseContext, record: PartnershipRecord): Promise<PartnershipRecord> {
  const next = decideContinuation(record, ctx.now);
  const tx = ctx.store.transaction();
  writeChange(ctx, tx, record, next, {
    action: 'partnership.workflow_continued',
    data: { from: record.executionName, executionName: next.executionName },
  });
  await tx.commit();
  logger.info('continuing the partnership workflow in a new execution', {
    partnershipId: record.partnershipId,
    from: record.executionName,
    executionName: next.executionName,
  });
  await startExecution(ctx, next);
  await deliverResume(ctx, next, { fromJob: true });
  return next;
}

/** The automatic reminder of the stage's deciders, on the stage's 3-day grid. */
async function remindDeciders(ctx: UseCaseContext, record: PartnershipRecord): Promise<PartnershipRecord> {
  const next = decideAutomaticReminder(record, ctx.now);
  const tx = ctx.store.transaction();
  writeChange(ctx, tx, record, next, {
    action: 'partnership.reminder_sent',
    data: { reminder: next.remindersSent },
    notification: {
      template: 'partnership.reminder',
      to: await recipientsOf(ctx, decidersOf(record.status), record, undefined),
      data: { reminder: next.remindersSent, automatic: true },
    },
  });
  await tx.commit();
  return next;
}

/** Moves the due index to the record's next due time when the item does not carry it already. */
async function syncDueIndex(ctx: UseCaseContext, record: PartnershipRecord): Promise<void> {
  ctx.store.clear();
  const current = await ctx.store.partnerships.getWithDue(record.partnershipId);
  if (!current || current.dueKey === wantedDueKey(record)) return;
  const tx = ctx.store.transaction();
  ctx.store.partnerships.syncDue(tx, current.record);
  await tx.commit();
}
