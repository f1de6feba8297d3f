/**
 * RecordExpiry: the Catch of an `Expired` (or States.Timeout) wait-task failure. Sets the partnership
 * `expired` with a condition on its waiting status, notifies the requester and frees the host-guest
 * pair, unless the scheduled job recorded the expiry already (then nothing to do) or a decision won.
 */
import { recordExpiry } from '../../shared/features/partnerships/workflow';
import { logger } from '../../shared/logger';
import { workflowTaskContext } from '../../shared/observability/invocation';
import { publishMetrics } from '../../shared/observability/metrics';
import type { RecordExpiryEvent } from '../../shared/workflow/tasks';

export const handler = async (event: RecordExpiryEvent): Promise<{ partnershipId: string; expired: boolean }> => {
  const ctx = workflowTaskContext('RecordExpiry', event);
  try {
    const result = await recordExpiry(ctx, event.partnershipId);
    logger.info('expiry recorded', { expired: result.expired, error: event.error.Error });
    return result;
  } finally {
    publishMetrics();
  }
};
