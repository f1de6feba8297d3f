/**
 * The wait tasks' Lambda (AwaitHostApproval, AwaitGuestAcceptance, AwaitResend; `.waitForTaskToken`).
 * Stores the task token on the partnership while its status is still the one the stage waits on;
 * otherwise the decision was already recorded, and the outcome derived from the current status is
 * sent on this token at once (docs/WORKFLOW.md). Either way no decision is lost and none applied twice.
 * Logs and acts with the correlation id of the request that started the execution (SPEC §1).
 */
import { registerTaskToken } from '../../shared/features/partnerships/workflow';
import { logger } from '../../shared/logger';
import { workflowTaskContext } from '../../shared/observability/invocation';
import { publishMetrics } from '../../shared/observability/metrics';
import type { AwaitDecisionEvent } from '../../shared/workflow/tasks';

export const handler = async (event: AwaitDecisionEvent): Promise<{ partnershipId: string; stage: string; result: string }> => {
  const ctx = workflowTaskContext('AwaitDecision', event);
  try {
    const result = await registerTaskToken(ctx, event);
    if (result !== 'registered') logger.info('decision already recorded: resumed at once', { stage: event.stage, result });
    else logger.info('task token registered', { stage: event.stage });
    return { partnershipId: event.partnershipId, stage: event.stage, result };
  } finally {
    publishMetrics();
  }
};
