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

  // ---- per route (dimension `route` = the API route key, e.g. "GET /partnerships/{partnershipId}") ----
  /** One per request, replays and errors included. Unit Count. */
  routeRequests: 'RouteRequests',
  /** Time in the handler (milliseconds), replays and errors included. */
  routeLatency: 'RouteLatency',
  /** 1 when the answer was a 4xx (client error), else 0. Unit Count. */
  routeClientErrors: 'RouteClientErrors',
  /** 1 when the answer was a 5xx (server error), else 0. Unit Count. */
  routeServerErrors: 'RouteServerErrors',

  // ---- partnerships (SPEC §5), emitted when the change's transaction committed ----
  partnershipsRequested: 'PartnershipsRequested',
  partnershipsApproved: 'PartnershipsApproved',
  partnershipsAccepted: 'PartnershipsAccepted',
  /** Declined by the host or by the guest. */
  partnershipsDeclined: 'PartnershipsDeclined',
  partnershipsExpired: 'PartnershipsExpired',
  /** Cancelled, removed, or a term that lapsed. */
  partnershipsEnded: 'PartnershipsEnded',
  /** Time a partnership spent in a waiting stage when it left it (seconds; dimension `stage`). */
  partnershipStageTime: 'PartnershipStageTime',

  // ---- notifications (SPEC §7), emitted by the delivery function ----
  notificationsSent: 'NotificationsSent',
  notificationsFailed: 'NotificationsFailed',

  // ---- webhook deliveries (SPEC §11), emitted by the webhook delivery code (recordWebhookDelivery) ----
  webhookDeliveriesDelivered: 'WebhookDeliveriesDelivered',
  /** A failed attempt that will be tried again. */
  webhookDeliveriesRetried: 'WebhookDeliveriesRetried',
  /** A delivery given up after its last attempt. */
  webhookDeliveriesFailed: 'WebhookDeliveriesFailed',
} as const;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];
