/**
 * The partnership side of the workflow (docs/WORKFLOW.md): starting an execution, resuming it after a
 * recorded decision, the wait tasks' token registration, the expiry of an approval stage and the lapse
 * of a term (SPEC §10). The record is the truth
 * about what was decided; these use cases make the execution follow it. The decision routes, the
 * workflow tasks (functions/workflow/*) and the scheduled job all call these same use cases.
 */
import type { UseCaseContext } from '../../context';
import {
  decideExpiry,
  deriveOutcome,
  owedResume,
  resumeRetryAt,
  stageOf,
  STAGE_STATUS,
  type PartnershipRecord,
  type PartnershipStatus,
  type PendingResume,
  type WaitStage,
} from '../../domain/partnership';
import { decideLapse, hasLiveTerm } from '../../domain/partnership-term';
import { logger } from '../../logger';
import { optimistic } from '../../store';
import { PARTNERSHIP_CONDITIONS, partnershipFromItem } from '../../store/partnerships';
import type { Transaction } from '../../store/transaction';
import { TaskClosedError, workflow } from '../../workflow/port';
import { CONTINUED_ERROR, EXPIRED_ERROR, LAPSED_ERROR, type WorkflowInput } from '../../workflow/tasks';
import { recipientsOf, recordAllSharesRevoked, writeChange } from './changes';

const isClosed = (error: unknown) =>
  error instanceof TaskClosedError ||
  ['TaskClosedError', 'TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'].includes((error as Error | undefined)?.name ?? '');

/** A named condition failed because the data moved on; the use case that wrote it has nothing left to do. */
class MovedOn extends Error {
  constructor(readonly current?: PartnershipRecord) {
    super('the partnership moved on');
  }
}

// ---- start ------------------------------------------------------------------------------------------

/**
 * Starts (or, after a loss, restarts) the partnership's execution, with the context's correlation id
 * in its input (every task of the execution logs with it). Never throws: the job reconciles.
 */
export async function startExecution(ctx: UseCaseContext, record: PartnershipRecord): Promise<boolean> {
  try {
    const input: WorkflowInput = {
      partnershipId: record.partnershipId,
      hostApprovalRequired: record.status === 'awaiting_host_approval',
      correlationId: ctx.correlationId,
      hostWorkspaceId: record.hostWorkspaceId,
      guestWorkspaceId: record.guestWorkspaceId,
    };
    await workflow().start(record.executionName, { ...input });
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

// ---- resume -----------------------------------------------------------------------------------------

/** The outcomes a resume sends as a task failure (a Catch routes them), with its cause. */
const FAILURES: Partial<Record<string, [string, string]>> = {
  expired: [EXPIRED_ERROR, 'No decision within 30 days.'],
  lapsed: [LAPSED_ERROR, 'The term ended without both sides recertifying.'],
  continued: [CONTINUED_ERROR, 'A new execution continues the partnership (one-year execution limit).'],
};

/** Sends what the resume owes: SendTaskSuccess({outcome}), or SendTaskFailure for expired, lapsed and continued. */
async function send(resume: PendingResume): Promise<void> {
  const failure = FAILURES[resume.outcome];
  if (failure) await workflow().sendTaskFailure(resume.token, failure[0], failure[1]);
  else await workflow().sendTaskSuccess(resume.token, { outcome: resume.outcome });
}

/**
 * Delivers the pending resume of `record` (as just written), after the decision's commit. Done (or the
 * task already closed): the resume is cleared. Failed: it stays, due again later, for the scheduled job
 * (which, `fromJob`, also pushes its retry further). Returns whether it was delivered.
 */
export async function deliverResume(ctx: UseCaseContext, record: PartnershipRecord, options: { fromJob?: boolean } = {}): Promise<boolean> {
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
      if (options.fromJob) {
        const attempts = resume.attempts + 1;
        await writeIfStill(ctx, (tx) => ctx.store.partnerships.postponeResume(tx, record, attempts, resumeRetryAt(attempts, ctx.now)));
      }
      return false;
    }
  }
  try {
    await writeIfStill(ctx, (tx) => ctx.store.partnerships.clearResume(tx, record, resume.token));
  } catch (error) {
    // Delivered: the decision stands and the execution moved on, so this is not the caller's error.
    // The resume stays due; the job's re-send on the closed token counts as done and clears it.
    logger.warn('could not clear a delivered resume; the scheduled job will', {
      partnershipId: record.partnershipId,
      error: error as Error,
    });
  }
  return true;
}

/** Writes a resume's bookkeeping; when another write replaced or cleared the resume meanwhile, there is nothing to do. */
async function writeIfStill(ctx: UseCaseContext, build: (tx: Transaction) => void): Promise<void> {
  const tx = ctx.store.transaction();
  build(tx);
  try {
    await tx.commit({ [PARTNERSHIP_CONDITIONS.resumeIs]: () => new MovedOn() });
  } catch (error) {
    if (!(error instanceof MovedOn)) throw error;
  }
}

// ---- the wait tasks (functions/workflow/await-decision.ts) ----------------------------------------------

/**
 * Stores the task token while the partnership still waits in the stage. Otherwise the decision is
 * already recorded: the outcome is derived from the record and sent on this token at once.
 */
export async function registerTaskToken(
  ctx: UseCaseContext,
  event: { partnershipId: string; stage: WaitStage; taskToken: string },
): Promise<string> {
  const { partnershipId, stage, taskToken } = event;
  // The event is the state machine's JSON: a stage outside the type finds nothing here and is refused.
  const statusOfStage: Partial<Record<string, PartnershipStatus>> = { ...STAGE_STATUS, round: 'active', recertification: 'active' };
  const waitsOn = statusOfStage[stage];
  if (!waitsOn) throw new Error(`unknown stage ${stage}`);
  const moved = await optimistic(ctx.store, async () => {
    const tx = ctx.store.transaction();
    ctx.store.partnerships.registerTaskToken(tx, partnershipId, { token: taskToken, stage, waitsOn, at: ctx.at });
    try {
      await tx.commit({ [PARTNERSHIP_CONDITIONS.awaitsStage]: (current) => new MovedOn(partnershipFromItem(current)) });
      return undefined;
    } catch (error) {
      if (error instanceof MovedOn) return error;
      throw error;
    }
  });
  if (!moved) return 'registered';
  const current = moved.current ?? (await ctx.store.partnerships.get(partnershipId));
  try {
    if (!current) {
      await workflow().sendTaskFailure(taskToken, 'PartnershipNotFound', `No partnership ${partnershipId}.`);
      return 'not_found';
    }
    const outcome = deriveOutcome(stage, current.status, current);
    const failure = outcome ? FAILURES[outcome] : undefined;
    if (failure) await workflow().sendTaskFailure(taskToken, failure[0], `${failure[1]} (before the task registered)`);
    else if (outcome) await workflow().sendTaskSuccess(taskToken, { outcome });
    else await workflow().sendTaskFailure(taskToken, 'InvalidState', `Stage ${stage} cannot follow status ${current.status}.`);
    return outcome ?? 'invalid_state';
  } catch (error) {
    if (isClosed(error)) return 'closed';
    throw error;
  }
}

// ---- expiry -----------------------------------------------------------------------------------------

/**
 * Records the expiry of a waiting stage (one transaction: status, pair guard, activity, requester
 * notified) and, with `endWorkflow`, ends its wait task with SendTaskFailure('Expired'). Returns false
 * when the partnership is no longer in a waiting stage (a decision won). The scheduled job and
 * RecordExpiry both call it.
 */
export async function expirePartnership(ctx: UseCaseContext, partnershipId: string, options: { endWorkflow: boolean }): Promise<boolean> {
  const expired = await optimistic(ctx.store, async () => {
    const current = await ctx.store.partnerships.get(partnershipId);
    if (!current || !stageOf(current.status)) return undefined;
    const transition = decideExpiry(current, ctx.now);
    const next = transition.record;
    next.resume = options.endWorkflow ? owedResume(current, transition.stage, 'expired', ctx.now) : undefined;
    const tx = ctx.store.transaction();
    writeChange(ctx, tx, current, next, {
      action: transition.activity,
      notification: transition.notification && {
        template: transition.notification.template,
        to: await recipientsOf(ctx, transition.notification.to, next, undefined),
      },
    });
    await tx.commit();
    return next;
  });
  if (!expired) return false;
  if (expired.resume) await deliverResume(ctx, expired, { fromJob: true });
  return true;
}

// ---- RecordExpiry (functions/workflow/record-expiry.ts) ----------------------------------------------------

/**
 * The Catch of an `Expired` (or States.Timeout) task failure. The job normally records the expiry
 * before failing the task, so this usually finds the partnership expired already and does nothing;
 * otherwise (a wait task timed out) it expires the waiting stage itself.
 */
export async function recordExpiry(ctx: UseCaseContext, partnershipId: string): Promise<{ partnershipId: string; expired: boolean }> {
  const record = await ctx.store.partnerships.get(partnershipId);
  if (!record) return { partnershipId, expired: false };
  if (record.status === 'expired') return { partnershipId, expired: true };
  const expired = await expirePartnership(ctx, partnershipId, { endWorkflow: false });
  if (!expired)
    logger.warn('RecordExpiry: the partnership is no longer waiting; nothing to expire', { partnershipId, status: record.status });
  return { partnershipId, expired };
}

// ---- the lapse of a term (SPEC §10) -----------------------------------------------------------------------

/**
 * Records the lapse of a term whose `endsAt` passed without both confirmations (one transaction:
 * `ended`, every share revoked, the pair guard freed, activity, both sides notified) and, with
 * `endWorkflow`, fails the waiting term task with 'Lapsed'. Returns false when there is nothing to
 * lapse (renewed meanwhile, removed, not yet due). The scheduled job and RecordLapse both call it.
 */
export async function lapsePartnership(ctx: UseCaseContext, partnershipId: string, options: { endWorkflow: boolean }): Promise<boolean> {
  const ended = await optimistic(ctx.store, async () => {
    const current = await ctx.store.partnerships.get(partnershipId);
    if (!current?.term || !hasLiveTerm(current) || ctx.now.getTime() < Date.parse(current.term.endsAt)) return undefined;
    const transition = decideLapse(current, ctx.now);
    const next = transition.record;
    next.resume = options.endWorkflow ? (owedResume(current, transition.stage, 'lapsed', ctx.now) ?? current.resume) : current.resume;
    const tx = ctx.store.transaction();
    writeChange(ctx, tx, current, next, {
      action: transition.activity,
      data: {
        term: current.term,
        confirmed: { host: Boolean(current.recertification?.host), guest: Boolean(current.recertification?.guest) },
      },
      notification: transition.notification && {
        template: transition.notification.template,
        to: await recipientsOf(ctx, transition.notification.to, next, undefined),
      },
    });
    // Every share ends at once (one marker, whatever their number): logins are refused from now on.
    ctx.store.sharing.revokeAll(tx, next, ctx.actorId, ctx.at);
    recordAllSharesRevoked(ctx, tx, next, 'partnership_ended');
    await tx.commit();
    return { prev: current, next };
  });
  if (!ended) return false;
  if (ended.next.resume && ended.next.resume.token !== ended.prev.resume?.token) await deliverResume(ctx, ended.next, { fromJob: true });
  return true;
}

/**
 * RecordLapse (functions/workflow/record-lapse.ts): the Catch of a 'Lapsed' (or States.Timeout) term
 * task failure. The job records the lapse before failing the task, so this usually finds it ended;
 * otherwise (the round's task timed out) it lapses the term itself if `endsAt` has passed.
 */
export async function recordLapse(ctx: UseCaseContext, partnershipId: string): Promise<{ partnershipId: string; ended: boolean }> {
  const record = await ctx.store.partnerships.get(partnershipId);
  if (!record) return { partnershipId, ended: false };
  if (record.status === 'ended') return { partnershipId, ended: true };
  const ended = await lapsePartnership(ctx, partnershipId, { endWorkflow: false });
  if (!ended) logger.warn('RecordLapse: the term has not lapsed; nothing to end', { partnershipId, status: record.status });
  return { partnershipId, ended };
}
