/**
 * The hourly reminder / expiry / reconciliation job (EventBridge schedule -> this function).
 * The event's `time` is the clock, so a delayed or replayed invocation acts as of its schedule.
 * One correlation id per run: the EventBridge event's id (found again in EventBridge's own records),
 * else a new one; each due item's work gets `<run id>:<item id>` (shared/features/jobs/reminder-job.ts).
 * Then the webhook backstop: pending deliveries overdue by more than 15 minutes lost their queue message
 * and are enqueued again (shared/features/webhooks/job.ts; WEBHOOK_QUEUE_URL).
 */
import type { ScheduledEvent } from 'aws-lambda';
import { requireSettingsAtInit } from '../../shared/config';
import { logger } from '../../shared/logger';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { sweepOverdueDeliveries } from '../../shared/features/webhooks/job';
import { correlationIdOr, logKeys } from '../../shared/observability/invocation';
import { publishMetrics, recordWorkflowResumesReconciled } from '../../shared/observability/metrics';

// The job resumes, fails and restarts executions: without its state machine it stops at init.
requireSettingsAtInit(['STATE_MACHINE_ARN']);

export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const parsed = event.time ? new Date(event.time) : new Date();
  const now = Number.isNaN(parsed.getTime()) ? new Date() : parsed;
  const correlationId = correlationIdOr(event.id);
  logKeys({ correlationId, task: 'ReminderJob' });
  try {
    const result = await runReminderJob({
      now,
      correlationId,
      log: (message, detail) => logger.warn(message, detail),
    });
    // Resumes the job had to redo: a decision committed but its SendTaskSuccess lost (SPEC §12 alarm).
    recordWorkflowResumesReconciled(result.resumed);
    logger.info('reminder job done', { now: now.toISOString(), ...result });
    const webhooks = await sweepOverdueDeliveries({ now });
    if (webhooks.requeued > 0) logger.warn('overdue webhook deliveries enqueued again', { correlationId, ...webhooks });
    return result;
  } finally {
    publishMetrics();
  }
};
