/**
 * The wait tasks' Lambda (AwaitHostApproval, AwaitGuestAcceptance, AwaitResend; `.waitForTaskToken`).
 * Stores the task token on the partnership while its status is still the one the stage waits on;
 * otherwise the decision was already recorded, and the outcome derived from the current status is
 * sent on this token at once (docs/WORKFLOW.md). Either way no decision is lost and none applied twice.
 */
import { UseCaseContext } from '../../shared/context';
import { registerTaskToken } from '../../shared/features/partnerships/workflow';
import { logger } from '../../shared/logger';
import type { AwaitDecisionEvent } from '../../shared/workflow/tasks';

export const handler = async (event: AwaitDecisionEvent): Promise<{ partnershipId: string; stage: string; result: string }> => {
  const result = await registerTaskToken(UseCaseContext.forSystem('system:workflow'), event);
  if (result !== 'registered')
    logger.info('decision already recorded: resumed at once', { partnershipId: event.partnershipId, stage: event.stage, result });
  return { partnershipId: event.partnershipId, stage: event.stage, result };
};
