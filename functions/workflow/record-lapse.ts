/**
 * RecordLapse: the Catch of a 'Lapsed' (or States.Timeout) term-task failure. The scheduled job
 * records the lapse at `endsAt` before failing the task, so this usually finds the partnership ended;
 * otherwise (the round's task timed out) it ends the term itself if `endsAt` has passed.
 */
import { UseCaseContext } from '../../shared/context';
import { recordLapse } from '../../shared/features/partnerships/workflow';
import type { RecordLapseEvent } from '../../shared/workflow/tasks';

export const handler = async (event: RecordLapseEvent): Promise<{ partnershipId: string; ended: boolean }> =>
  recordLapse(UseCaseContext.forSystem('system:workflow'), event.partnershipId);
