/**
 * The one authorization of every /partnerships/{id}... route (SPEC §5 and §6, sharing included): the
 * caller, the partnership and its sharing state are read in one BatchGet (with whatever else the use
 * case asks for in the same turn), then shared/domain/partnership-access.ts decides. The sharing state
 * says whether a plain guest member may see the partnership (it shares something with them in their
 * current membership). 404 for whoever may not see it, 403 for whoever sees it but may not do
 * `action`, 409 invalid_state for an entitled caller in the wrong state.
 */
import type { UseCaseContext } from '../../context';
import type { PartnershipRecord } from '../../domain/partnership';
import { authorizePartnership, viewerOf, type PartnershipAccess, type PartnershipAction } from '../../domain/partnership-access';
import { sharesWith, type SharingState } from '../../domain/sharing';
import { notFound } from '../../errors';
import { sharingStateOf, type StoredSharingState } from '../../store/sharing';
import type { StoredUser } from '../../store/users';

export interface PartnershipContext {
  me: StoredUser;
  record: PartnershipRecord;
  state: SharingState;
  access: PartnershipAccess;
  /** Partnership Owner, host or guest Owner/Admin: sees every share and access request of the partnership. */
  seesAll: boolean;
}

/** Reads the caller, the partnership and its sharing state (one BatchGet) and authorizes `action`. */
export async function partnershipContext(
  ctx: UseCaseContext,
  partnershipId: string,
  action: PartnershipAction,
): Promise<PartnershipContext> {
  const [me, record, stored] = await Promise.all([
    ctx.me(),
    ctx.store.partnerships.get(partnershipId),
    ctx.store.sharing.storedState(partnershipId),
  ]);
  return authorize(me, record, stored, action);
}

/** Authorizes `action` on what was read (404 when there is no partnership). */
export function authorize(
  me: StoredUser,
  record: PartnershipRecord | undefined,
  stored: StoredSharingState | undefined,
  action: PartnershipAction,
): PartnershipContext {
  if (!record) throw notFound('partnership');
  const state = sharingStateOf(stored, record);
  const access = authorizePartnership(record, viewerOf(me), action, { sharesWithViewer: sharesWith(state, me) });
  return { me, record, state, access, seesAll: access.isOwner || access.isHostAdmin || access.isGuestAdmin };
}

/** Authorizes another action on a context already read (e.g. a guest member's own removal that falls back to the owners' right). */
export function requireAction(context: PartnershipContext, action: PartnershipAction): PartnershipAccess {
  return authorizePartnership(context.record, viewerOf(context.me), action, { sharesWithViewer: sharesWith(context.state, context.me) });
}
