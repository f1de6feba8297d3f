/**
 * Names of the service's custom CloudWatch metrics (SPEC §12), shared by the code that emits them
 * (Powertools Metrics, embedded metric format) and the infrastructure that alarms on them
 * (infra/constructs/monitoring.ts). An alarm on a name nobody emits never fires: emit these exact
 * names, in this namespace, with the default dimension `service` = SERVICE_NAME (Powertools Metrics
 * adds it from POWERTOOLS_SERVICE_NAME, which every function gets).
 *
 * Pure data: imported by infra/ as well as by handlers.
 */

/** CloudWatch namespace of every custom metric (POWERTOOLS_METRICS_NAMESPACE of every function). */
export const METRICS_NAMESPACE = 'Partnerships';

/** Value of the `service` dimension (POWERTOOLS_SERVICE_NAME of every function). */
export const SERVICE_NAME = 'partnerships';

export const MetricNames = {
  /**
   * Emitted by the scheduled job (functions/jobs/reminders.ts): workflow resumes it had to redo in
   * this run (a decision committed but its SendTaskSuccess lost, or a lost execution restarted).
   * Unit Count, one datapoint per run (0 included). Alarm: any in the last hour.
   */
  workflowResumesReconciled: 'WorkflowResumesReconciled',
  /**
   * Emitted when webhook deliveries disable an endpoint after repeated failures (SPEC §11).
   * Unit Count. Alarm: any in the last hour.
   */
  webhookEndpointsDisabled: 'WebhookEndpointsDisabled',
  /** Webhook delivery attempts answered 2xx (shared/features/webhooks/metrics.ts). Unit Count. */
  webhookDeliveriesDelivered: 'WebhookDeliveriesDelivered',
  /** Webhook delivery attempts that failed and will be retried. Unit Count. */
  webhookDeliveriesRetried: 'WebhookDeliveriesRetried',
  /** Webhook deliveries that failed for good (their 3 days are over, or the endpoint is gone). Unit Count. */
  webhookDeliveriesFailed: 'WebhookDeliveriesFailed',
} as const;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];
