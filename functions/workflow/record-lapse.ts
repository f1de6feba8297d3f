/**
 * RecordLapse: the Catch of a 'Lapsed' (or States.Timeout) term-task failure. The scheduled job
 * records the lapse at `endsAt` before failing the task, so this usually finds the partnership ended;
 * otherwise (the round's task timed out) it ends the term itself if `endsAt` has passed.
 */
import { recordLapse } from '../../shared/features/partnerships/workflow';
import { logger } from '../../shared/logger';
import { workflowTaskContext } from '../../shared/observability/invocation';
import { publishMetrics } from '../../shared/observability/metrics';
import type { RecordLapseEvent } from '../../shared/workflow/tasks';

export const handler = async (event: RecordLapseEvent): Promise<{ partnershipId: string; ended: boolean }> => {
  const ctx = workflowTaskContext('RecordLapse', event);
  try {
    const result = await recordLapse(ctx, event.partnershipId);
    logger.info('lapse recorded', { ended: result.ended, error: event.error.Error });
    return result;
  } finally {
    publishMetrics();
  }
};
