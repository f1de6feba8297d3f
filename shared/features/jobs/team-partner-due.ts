// TEMPORARY until the team-partners branch lands: shared/features/team-partners/due.ts replaces this
// adapter (same signature); the job then imports `processDueInvitation` from there.
import type { UseCaseContext } from '../../context';
import { getItem } from '../../data/dynamo';
import { processDueInvitation as processLegacy } from '../../services/invitation-due';
import { keys } from '../../store/keys';
import { TABLE } from '../../store/table';

/** Reminds or expires a pending team partner invitation the due index names (as of `dueKey`). */
export async function processDueInvitation(ctx: UseCaseContext, due: { invitationId: string; dueKey: string }): Promise<'reminded' | 'expired' | 'skipped'> {
  const item = await getItem(keys.partnerInvitation(due.invitationId));
  if (!item) return 'skipped';
  // The legacy processor decides on the item and conditions its writes on the due key the job read.
  const outcome = await processLegacy({ ...item, [TABLE.indexes.due.sortKey]: due.dueKey }, ctx.now);
  return outcome === 'resumed' ? 'skipped' : outcome;
}
