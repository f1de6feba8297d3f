/**
 * The partnership side of the approval workflow (docs/WORKFLOW.md): starting executions, resuming
 * them after a recorded decision, the wait tasks' token registration and the expiry. The record is
 * the truth about what was decided; these functions make the execution follow it.
 */
import { getItem, transact, type Item } from '../data/dynamo';
import {
  decideExpiry,
  deriveOutcome,
  resumeRetryAt,
  stageOf,
  STAGE_STATUS,
  type PartnershipRecord,
  type PendingResume,
  type Stage,
} from '../domain/partnership';
import { logger } from '../http/logger';
import { keys } from '../store/keys';
import { TaskClosedError, workflow } from '../workflow/port';
import { EXPIRED_ERROR } from '../workflow/tasks';
import { dueAssignment, resolveRecipients, StaleRecord, toRecord, updateItem, writeChange } from './partnership-store';

const isClosed = (error: unknown) =>
  error instanceof TaskClosedError || ['TaskClosedError', 'TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'].includes((error as Error)?.name);

/** Starts (or, after a loss, restarts) the partnership's execution. Never throws: the job reconciles. */
export async function startExecution(record: PartnershipRecord): Promise<boolean> {
  try {
    await workflow().start(record.executionName, {
      partnershipId: record.partnershipId,
      hostApprovalRequired: record.status === 'awaiting_host_approval',
    });
    return true;
  } catch (error) {
    logger.warn('could not start the partnership workflow; the scheduled job will retry', {
      partnershipId: record.partnershipId,
      executionName: record.executionName,
      error: error as Error,
    });
    return false;
  }
}

/** Sends what the resume owes: SendTaskSuccess({outcome}), or SendTaskFailure('Expired'). */
async function send(resume: PendingResume): Promise<void> {
  if (resume.outcome === 'expired') {
    await workflow().sendTaskFailure(resume.token, EXPIRED_ERROR, 'No decision within 30 days.');
  } else {
    await workflow().sendTaskSuccess(resume.token, { outcome: resume.outcome });
  }
}

/**
 * Delivers a pending resume of `record` (as just written). Done (or the task already closed): the
 * resume is cleared. Failed: it stays, due again later, for the scheduled job. Returns whether done.
 */
export async function deliverResume(record: PartnershipRecord, now: Date, options: { fromJob?: boolean } = {}): Promise<boolean> {
  const resume = record.resume;
  if (!resume) return true;
  try {
    await send(resume);
  } catch (error) {
    if (!isClosed(error)) {
      logger.warn('could not resume the partnership workflow; the scheduled job will retry', {
        partnershipId: record.partnershipId,
        outcome: resume.outcome,
        error: error as Error,
      });
      if (options.fromJob) await postponeResume(record, now);
      return false;
    }
  }
  try {
    await clearResume(record, resume.token);
  } catch (error) {
    // Delivered: the decision stands and the execution moved on, so this is not the caller's error.
    // The resume stays due; the job's re-send on the closed token counts as done and clears it.
    logger.warn('could not clear a delivered resume; the scheduled job will', { partnershipId: record.partnershipId, error: error as Error });
  }
  return true;
}

/** Removes the delivered resume (if it is still the same one) and re-sets the due index. */
async function clearResume(record: PartnershipRecord, token: string): Promise<void> {
  const due = dueAssignment({ ...record, resume: undefined });
  try {
    await transact(
      [
        updateItem(record.partnershipId, {
          set: due.set,
          remove: ['resume', ...due.remove],
          condition: 'resume.#token = :token',
          names: { '#token': 'token', ...due.names },
          values: { ':token': token, ...due.values },
        }),
      ],
      (_i, current) => new StaleRecord(current),
    );
  } catch (error) {
    // Another write replaced or cleared the resume meanwhile: nothing to clear.
    if (!(error instanceof StaleRecord)) throw error;
  }
}

async function postponeResume(record: PartnershipRecord, now: Date): Promise<void> {
  const resume = record.resume!;
  const attempts = resume.attempts + 1;
  const next = { ...record, resume: { ...resume, attempts, retryAt: resumeRetryAt(attempts, now) } };
  const due = dueAssignment(next);
  try {
    await transact(
      [
        updateItem(record.partnershipId, {
          set: ['resume.attempts = :attempts', 'resume.retryAt = :retryAt', ...due.set],
          remove: due.remove,
          condition: 'resume.#token = :token',
          names: { '#token': 'token', ...due.names },
          values: { ':token': resume.token, ':attempts': attempts, ':retryAt': next.resume.retryAt, ...due.values },
        }),
      ],
      (_i, current) => new StaleRecord(current),
    );
  } catch (error) {
    if (!(error instanceof StaleRecord)) throw error;
  }
}

/** The resume a decision owes the workflow: only when the decided stage holds a registered token. */
export function owedResume(prev: PartnershipRecord, stage: Stage | undefined, outcome: string, now: Date): PendingResume | undefined {
  if (!stage || !prev.taskToken || prev.taskStage !== stage) return undefined;
  return { token: prev.taskToken, stage, outcome, attempts: 0, retryAt: new Date(now.getTime() + 60_000).toISOString() };
}

// ---- expiry -------------------------------------------------------------------------------------------

/**
 * Records the expiry of a waiting stage (one transaction: status, guard, activity, requester
 * notified) and ends the wait task with SendTaskFailure('Expired'). Returns false when the record
 * is no longer in a waiting stage (a decision won). Used by the job and by RecordExpiry.
 */
export async function expirePartnership(record: PartnershipRecord, now: Date, options: { endWorkflow: boolean }): Promise<boolean> {
  let current = record;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (!stageOf(current.status)) return false;
    const transition = decideExpiry(current, now);
    const next = transition.record;
    next.resume = options.endWorkflow ? owedResume(current, transition.stage, 'expired', now) : undefined;
    try {
      await writeChange({
        prev: current,
        next,
        activity: { action: transition.activity, actorId: 'system', at: now.toISOString() },
        notification: {
          template: transition.notification!.template,
          to: await resolveRecipients(transition.notification!.to, next, undefined),
          at: now.toISOString(),
        },
      });
    } catch (error) {
      if (error instanceof StaleRecord && error.current) {
        current = toRecord(error.current);
        continue;
      }
      throw error;
    }
    if (next.resume) await deliverResume(next, now, { fromJob: true });
    return true;
  }
  return false;
}

// ---- the wait tasks' Lambda (functions/workflow/await-decision.ts) ------------------------------------

/**
 * Stores the task token while the status is still the one the stage waits on. Otherwise the
 * decision is already recorded: the outcome is derived from the status and sent on this token at once.
 */
export async function registerTaskToken(event: { partnershipId: string; stage: Stage; taskToken: string }, now: Date): Promise<'registered' | string> {
  const { partnershipId, stage, taskToken } = event;
  const waitsOn = STAGE_STATUS[stage];
  if (!waitsOn) throw new Error(`unknown stage ${String(stage)}`);
  let current: Item | undefined;
  try {
    await transact(
      [
        updateItem(partnershipId, {
          set: ['taskToken = :token', 'taskStage = :stage', 'tokenRegisteredAt = :at'],
          condition: '#status = :waitsOn',
          names: { '#status': 'status' },
          values: { ':token': taskToken, ':stage': stage, ':at': now.toISOString(), ':waitsOn': waitsOn },
        }),
      ],
      (_i, item) => new StaleRecord(item),
    );
    return 'registered';
  } catch (error) {
    if (!(error instanceof StaleRecord)) throw error;
    current = error.current ?? (await getItem(keys.partnership(partnershipId)));
  }
  try {
    if (!current) {
      await workflow().sendTaskFailure(taskToken, 'PartnershipNotFound', `No partnership ${partnershipId}.`);
      return 'not_found';
    }
    const status = toRecord(current).status;
    const outcome = deriveOutcome(stage, status);
    if (outcome === 'expired') await workflow().sendTaskFailure(taskToken, EXPIRED_ERROR, 'The stage expired before the task registered.');
    else if (outcome) await workflow().sendTaskSuccess(taskToken, { outcome });
    else await workflow().sendTaskFailure(taskToken, 'InvalidState', `Stage ${stage} cannot follow status ${status}.`);
    return outcome ?? 'invalid_state';
  } catch (error) {
    if (isClosed(error)) return 'closed';
    throw error;
  }
}

// ---- RecordExpiry (functions/workflow/record-expiry.ts) -------------------------------------------------

/**
 * The Catch of an `Expired` (or States.Timeout) task failure. The job normally records the expiry
 * before failing the task, so this usually finds the partnership expired already and does nothing;
 * otherwise (a wait task timed out) it expires the waiting stage itself.
 */
export async function recordExpiry(partnershipId: string, now: Date): Promise<{ partnershipId: string; expired: boolean }> {
  const item = await getItem(keys.partnership(partnershipId));
  if (!item) return { partnershipId, expired: false };
  const record = toRecord(item);
  if (record.status === 'expired') return { partnershipId, expired: true };
  const expired = await expirePartnership(record, now, { endWorkflow: false });
  if (!expired) logger.warn('RecordExpiry: the partnership is no longer waiting; nothing to expire', { partnershipId, status: record.status });
  return { partnershipId, expired };
}

