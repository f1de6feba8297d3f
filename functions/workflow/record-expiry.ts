/**
 * RecordExpiry: the Catch of an `Expired` (or States.Timeout) wait-task failure. Sets the partnership
 * `expired` with a condition on its waiting status, notifies the requester and frees the host-guest
 * pair, unless the scheduled job recorded the expiry already (then nothing to do) or a decision won.
 */
import { UseCaseContext } from '../../shared/context';
import { recordExpiry } from '../../shared/features/partnerships/workflow';
import type { RecordExpiryEvent } from '../../shared/workflow/tasks';

export const handler = async (event: RecordExpiryEvent): Promise<{ partnershipId: string; expired: boolean }> =>
  recordExpiry(UseCaseContext.forSystem('system:workflow'), event.partnershipId);
