/**
 * Webhook delivery metrics (SPEC §12): delivered / retried / failed attempts and endpoints disabled, in
 * CloudWatch embedded metric format via Powertools Metrics, under the names of
 * shared/observability/metric-names.ts. Published by the deliverer after each batch; locally only
 * counted (the local runtime prints no EMF lines).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '../../config';
import { METRICS_NAMESPACE, MetricNames, SERVICE_NAME } from '../../observability/metric-names';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

const NAMES = {
  delivered: MetricNames.webhookDeliveriesDelivered,
  retried: MetricNames.webhookDeliveriesRetried,
  failed: MetricNames.webhookDeliveriesFailed,
  disabled: MetricNames.webhookEndpointsDisabled,
} as const;

export type WebhookMetric = keyof typeof NAMES;

/** Counts since the process started (the bench and tests read them). */
export const webhookMetricCounts: Record<WebhookMetric, number> = { delivered: 0, retried: 0, failed: 0, disabled: 0 };

export function countDelivery(what: WebhookMetric): void {
  webhookMetricCounts[what] += 1;
  // Locally only counted: Powertools flushes on its own at 100 stored values, which would print EMF lines.
  if (config().mode !== 'local') metrics.addMetric(NAMES[what], MetricUnit.Count, 1);
}

/** Publishes what was counted (deployed), or forgets it (local mode). */
export function publishWebhookMetrics(): void {
  if (config().mode === 'local') metrics.clearMetrics();
  else metrics.publishStoredMetrics();
}
