/**
 * The due index of pending deliveries, read page by page (a Query of the `due` index, never a Scan):
 *
 * - runWebhookJob: delivers every attempt due at `now` (locally: POST /local/jobs/webhooks, the tests);
 * - sweepOverdueDeliveries: deployed, the hourly scheduled job's backstop (functions/jobs/reminders.ts):
 *   a delivery overdue by more than 15 minutes has lost its queue message (a crash between the write and
 *   the send, a failed send): it is enqueued again. Bounded: at most `maxPages` pages a run, the next run
 *   takes the rest (oldest first).
 */
import { UseCaseContext } from '../../context';
import { attemptDelivery, type AttemptOptions } from './deliver';
import { publishWebhookMetrics } from './metrics';
import { enqueueAttempts } from './queue';

/** A delivery overdue by more than this has lost its queue message (a hop is at most 900 s, plus the deliverer's run). */
export const OVERDUE_AFTER_MS = 15 * 60_000;

export interface WebhookJobResult {
  delivered: number;
  failed: number;
  /** Attempts that failed and wait for their next try. */
  pending: number;
}

export async function runWebhookJob(options: Partial<AttemptOptions> = {}): Promise<WebhookJobResult> {
  const now = options.now ?? new Date();
  const { webhooks } = UseCaseContext.forSystem('system:webhooks', now).store;
  const result: WebhookJobResult = { delivered: 0, failed: 0, pending: 0 };
  let cursor: string | undefined;
  do {
    const page = await webhooks.duePage(now.toISOString(), { limit: 100, cursor });
    const outcomes = await Promise.all(page.items.map((due) => attemptDelivery(due.webhookId, due.deliveryId, { ...options, now })));
    for (const outcome of outcomes) {
      if (outcome === 'delivered') result.delivered += 1;
      else if (outcome === 'failed') result.failed += 1;
      else if (outcome === 'retry') result.pending += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  publishWebhookMetrics();
  return result;
}

export interface SweepOptions {
  now?: Date;
  /** Deliveries per Query page (default 100). */
  pageSize?: number;
  /** Pages read in one run (default 10): the next hourly run takes the rest. */
  maxPages?: number;
}

/** Re-enqueues the pending deliveries overdue by more than OVERDUE_AFTER_MS at `now`; returns how many. */
export async function sweepOverdueDeliveries(options: SweepOptions = {}): Promise<{ requeued: number; pages: number }> {
  const now = options.now ?? new Date();
  const { webhooks } = UseCaseContext.forSystem('system:webhooks', now).store;
  const overdueAt = new Date(now.getTime() - OVERDUE_AFTER_MS).toISOString();
  let requeued = 0;
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await webhooks.duePage(overdueAt, { limit: options.pageSize ?? 100, cursor });
    pages += 1;
    await enqueueAttempts(page.items, now.getTime());
    requeued += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages < (options.maxPages ?? 10));
  return { requeued, pages };
}
