/**
 * Delivers every attempt due at `now` (POST /local/jobs/webhooks; deployed, the deliverer's sweep of
 * what a lost queue message left behind): the due index of pending deliveries, page by page.
 */
import { UseCaseContext } from '../../context';
import { attemptDelivery, type AttemptOptions } from './deliver';
import { publishWebhookMetrics } from './metrics';

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
