/**
 * The hourly reminder / expiry / reconciliation job (EventBridge schedule -> this function).
 * The event's `time` is the clock, so a delayed or replayed invocation acts as of its schedule.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/logger';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';

export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const parsed = event.time ? new Date(event.time) : new Date();
  const now = Number.isNaN(parsed.getTime()) ? new Date() : parsed;
  const result = await runReminderJob({
    now,
    log: (message, detail) => logger.warn(message, detail),
  });
  logger.info('reminder job done', { now: now.toISOString(), ...result });
  return result;
};
