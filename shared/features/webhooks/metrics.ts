/**
 * Webhook delivery metrics (SPEC §12): delivered / retried / failed attempts and endpoints disabled,
 * through the service's metrics module (shared/observability/metrics.ts: EMF deployed, also readable at
 * GET /local/metrics locally).
 */
import { publishMetrics, recordWebhookDelivery, recordWebhookEndpointsDisabled } from '../../observability/metrics';

export type WebhookMetric = 'delivered' | 'retried' | 'failed' | 'disabled';

export function countDelivery(what: WebhookMetric): void {
  if (what === 'disabled') recordWebhookEndpointsDisabled();
  else recordWebhookDelivery(what);
}

/** Flushes what this invocation recorded (one EMF line). */
export function publishWebhookMetrics(): void {
  publishMetrics();
}
