/**
 * The service's metrics (SPEC §12), Powertools Metrics in CloudWatch embedded metric format: each
 * invocation's metrics are one JSON line on stdout, which CloudWatch turns into metrics (no API call,
 * no IAM permission). Names in ./metric-names.ts (the alarms use the same).
 *
 * Two module-scope instances, so each EMF line has one dimension set:
 *   - `metrics`       dimension `service`: the domain metrics, flushed by `publishMetrics()` at the
 *                     end of an invocation (the HTTP wrapper, the workflow tasks, the job, the delivery).
 *   - `routeMetrics`  dimensions `service` + `route`: requests, latency, 4xx, 5xx of one request,
 *                     flushed at once by `recordRoute` (called by the outer HTTP wrapper, so idempotent
 *                     replays and errors are counted too).
 * The time a partnership spent in a stage adds the `stage` dimension (a single-metric line).
 *
 * Locally (SERVICE_MODE=local) every datapoint is also aggregated in memory for `GET /local/metrics`;
 * the EMF lines are printed unless POWERTOOLS_METRICS_DISABLED is true (the tests set it).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, MetricNames, SERVICE_NAME, type MetricName } from './metric-names';

const options = { namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME };
const metrics = new Metrics(options);
const routeMetrics = new Metrics(options);

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

// ---- local aggregate (GET /local/metrics) -------------------------------------------------------------

export interface LocalMetric {
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
}
const local = new Map<string, LocalMetric>();
const isLocal = () => process.env.SERVICE_MODE === 'local';

function remember(name: string, unit: Unit, value: number, dimensions: Record<string, string>): void {
  if (!isLocal()) return;
  const all = { service: SERVICE_NAME, ...dimensions };
  const key = `${name}\u0000${JSON.stringify(all)}`;
  const m = local.get(key) ?? { name, unit, dimensions: all, count: 0, sum: 0, min: value, max: value };
  m.count += 1;
  m.sum += value;
  m.min = Math.min(m.min, value);
  m.max = Math.max(m.max, value);
  local.set(key, m);
}

/** Local mode: every metric recorded since start (or the last reset), aggregated per name and dimensions. */
export function localMetrics(): LocalMetric[] {
  return [...local.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)),
  );
}
export function resetLocalMetrics(): void {
  local.clear();
}

// ---- emission -------------------------------------------------------------------------------------------

function add(name: MetricName, unit: Unit, value: number): void {
  metrics.addMetric(name, unit, value);
  remember(name, unit, value, {});
}

/** Flushes the domain metrics of this invocation (one EMF line; nothing when none was recorded). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** Status class of an HTTP answer. */
export function errorClass(status: number): '4xx' | '5xx' | undefined {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return undefined;
}

/** One request of a route: requests, latency and errors by class, as one EMF line with the `route` dimension. */
export function recordRoute(route: string, status: number, latencyMs: number): void {
  const cls = errorClass(status);
  const dims = { route };
  routeMetrics.addDimension('route', route);
  routeMetrics.addMetric(MetricNames.routeRequests, MetricUnit.Count, 1);
  routeMetrics.addMetric(MetricNames.routeLatency, MetricUnit.Milliseconds, latencyMs);
  routeMetrics.addMetric(MetricNames.routeClientErrors, MetricUnit.Count, cls === '4xx' ? 1 : 0);
  routeMetrics.addMetric(MetricNames.routeServerErrors, MetricUnit.Count, cls === '5xx' ? 1 : 0);
  routeMetrics.publishStoredMetrics();
  remember(MetricNames.routeRequests, MetricUnit.Count, 1, dims);
  remember(MetricNames.routeLatency, MetricUnit.Milliseconds, latencyMs, dims);
  remember(MetricNames.routeClientErrors, MetricUnit.Count, cls === '4xx' ? 1 : 0, dims);
  remember(MetricNames.routeServerErrors, MetricUnit.Count, cls === '5xx' ? 1 : 0, dims);
}

export type PartnershipMilestone = 'requested' | 'approved' | 'accepted' | 'declined' | 'expired' | 'ended';
const MILESTONE_METRIC: Record<PartnershipMilestone, MetricName> = {
  requested: MetricNames.partnershipsRequested,
  approved: MetricNames.partnershipsApproved,
  accepted: MetricNames.partnershipsAccepted,
  declined: MetricNames.partnershipsDeclined,
  expired: MetricNames.partnershipsExpired,
  ended: MetricNames.partnershipsEnded,
};

/** A partnership reached a milestone (counted once its transaction committed). */
export function recordPartnershipMilestone(milestone: PartnershipMilestone): void {
  add(MILESTONE_METRIC[milestone], MetricUnit.Count, 1);
}

/** A partnership left a waiting stage after `seconds` in it (dimension `stage`). */
export function recordStageTime(stage: string, seconds: number): void {
  const single = metrics.singleMetric();
  single.addDimension('stage', stage);
  single.addMetric(MetricNames.partnershipStageTime, MetricUnit.Seconds, seconds);
  remember(MetricNames.partnershipStageTime, MetricUnit.Seconds, seconds, { stage });
}

/** One notification e-mail sent, or one that failed (the delivery function). */
export function recordNotification(outcome: 'sent' | 'failed'): void {
  add(outcome === 'sent' ? MetricNames.notificationsSent : MetricNames.notificationsFailed, MetricUnit.Count, 1);
}

export type WebhookDeliveryOutcome = 'delivered' | 'retried' | 'failed';
const WEBHOOK_METRIC: Record<WebhookDeliveryOutcome, MetricName> = {
  delivered: MetricNames.webhookDeliveriesDelivered,
  retried: MetricNames.webhookDeliveriesRetried,
  failed: MetricNames.webhookDeliveriesFailed,
};

/**
 * One webhook delivery attempt's outcome (SPEC §11): delivered, failed but tried again (`retried`), or
 * given up (`failed`). For the webhook delivery code; call `publishMetrics()` at the end of its invocation.
 */
export function recordWebhookDelivery(outcome: WebhookDeliveryOutcome, count = 1): void {
  add(WEBHOOK_METRIC[outcome], MetricUnit.Count, count);
}

/** Webhook endpoints disabled after repeated failures (alarmed on: any in the last hour). */
export function recordWebhookEndpointsDisabled(count = 1): void {
  add(MetricNames.webhookEndpointsDisabled, MetricUnit.Count, count);
}

/** Workflow resumes the job had to redo in one run (0 included: one datapoint per run; alarmed on). */
export function recordWorkflowResumesReconciled(count: number): void {
  add(MetricNames.workflowResumesReconciled, MetricUnit.Count, count);
}
