/**
 * The scheduled reminder / expiry / reconciliation job (hourly deployed; `POST /local/jobs/reminders`
 * locally). Reads only what is due: the due index (store/due.ts), page by page, and hands each item to
 * the processor of its type, each with its own system context (`system:reminder-job`, the job's clock)
 * and so its own reads. Processors are the features' due use cases: partnerships (reminders, expiry,
 * workflow resumes and restarts; the term life of SPEC §10: rounds opened, round reminders, lapses,
 * continuations; docs/WORKFLOW.md), pending team partner invitations, and member departures whose
 * owner succession and invitation withdrawals the membership change left to the job.
 */
import { CORRELATION_ID_PATTERN, UseCaseContext, newCorrelationId } from '../../context';
import { processDuePartnership } from '../partnerships/due';
import { duePage, type DueItem } from '../../store/due';
import { ENTITY } from '../../store/keys';
import { processDueInvitation } from '../team-partners/due';
import { processDueDeparture } from '../workspaces/departure';

export type DueOutcome = 'reminded' | 'expired' | 'resumed' | 'skipped' | 'roundsOpened' | 'ended' | 'continued' | 'departures';
export type DueProcessor = (due: DueItem, ctx: UseCaseContext) => Promise<DueOutcome>;

const JOB_ACTOR = 'system:reminder-job';

const processors = new Map<string, DueProcessor>([
  [ENTITY.partnership, (due, ctx) => processDuePartnership(ctx, { partnershipId: due.id, dueKey: due.dueKey })],
  [ENTITY.partnerInvitation, (due, ctx) => processDueInvitation(ctx, { invitationId: due.id, dueKey: due.dueKey })],
  [ENTITY.memberDeparture, (due, ctx) => processDueDeparture(ctx, { workspaceId: String(due.workspaceId), userId: String(due.userId) })],
]);

/** Adds or replaces the processor of an item type (tests, new features). */
export function registerDueProcessor(type: string, processor: DueProcessor): void {
  processors.set(type, processor);
}

export interface ReminderJobResult {
  /** Reminders sent: approval stages, pending invitations, sides of an open recertification round. */
  reminded: number;
  /** Approval stages and invitations expired after 30 days. */
  expired: number;
  resumed: number;
  skipped: number;
  /** Recertification rounds opened (SPEC §10). */
  roundsOpened: number;
  /** Terms lapsed: partnerships `ended`. */
  ended: number;
  /** Executions continued in a new one (one-year limit). */
  continued: number;
  /** Member departures worked on (owner succession, invitations withdrawn). */
  departures: number;
  /** Items whose processor threw (left on the index: the next run retries them). */
  failed: number;
  /** Items DynamoDB read (ScannedCount of the due-index queries). */
  scanned: number;
  pages: number;
}

export interface ReminderJobOptions {
  now?: Date;
  /** Items per Query page (default 100). */
  pageSize?: number;
  /** Items processed at once within a page (default 8). */
  concurrency?: number;
  log?: (message: string, detail: Record<string, unknown>) => void;
  /**
   * The run's correlation id (SPEC §1; default a new one). Each due item's work gets
   * `<run id>:<item id>`, so one item's lines, executions and notifications are found by it, and all of
   * a run's by its prefix.
   */
  correlationId?: string;
}

/** Runs the job once. `runReminderJob(date)` is short for `runReminderJob({ now: date })`. */
export async function runReminderJob(input: ReminderJobOptions | Date = {}): Promise<ReminderJobResult> {
  const options: ReminderJobOptions = input instanceof Date ? { now: input } : input;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const runId = options.correlationId ?? newCorrelationId();
  const itemCorrelationId = (due: DueItem) => {
    const id = `${runId}:${due.id}`;
    return CORRELATION_ID_PATTERN.test(id) ? id : runId;
  };
  const result: ReminderJobResult = {
    reminded: 0,
    expired: 0,
    resumed: 0,
    skipped: 0,
    roundsOpened: 0,
    ended: 0,
    continued: 0,
    departures: 0,
    failed: 0,
    scanned: 0,
    pages: 0,
  };

  const process = async (due: DueItem) => {
    const processor = processors.get(due.type);
    if (!processor) {
      result.skipped += 1;
      options.log?.('no processor for due item', { type: due.type, pk: due.pk });
      return;
    }
    try {
      result[await processor(due, UseCaseContext.forSystem(JOB_ACTOR, now, itemCorrelationId(due)))] += 1;
    } catch (error) {
      result.failed += 1;
      options.log?.('due item failed', {
        type: due.type,
        pk: due.pk,
        correlationId: itemCorrelationId(due),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  let cursor: string | undefined;
  do {
    const page = await duePage(now.toISOString(), { limit: pageSize, cursor });
    result.pages += 1;
    result.scanned += page.scanned;
    result.skipped += page.malformed;
    for (let i = 0; i < page.items.length; i += concurrency) {
      await Promise.all(page.items.slice(i, i + concurrency).map(process));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return result;
}
