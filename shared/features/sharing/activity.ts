/** The activity logs (SPEC §6): who did what to what, when, newest first. */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { requireWorkspaceAdmin } from '../../domain/identity';
import { activityForSide } from '../../domain/partnership-term';
import { visibleToGuestSide } from '../../domain/sharing';
import type { PageRequest } from '../../store';
import { listActivity } from '../../store/activity';
import { partnershipContext } from '../partnerships/access';
import { activityView } from './views';

/**
 * GET /partnerships/{id}/activity: Partnership Owners, host and guest Owner/Admins (the Query starts
 * beside the authorization reads). Guest-side viewers do not see the host approval stage (a page may
 * then hold fewer entries); neither side sees who confirmed a recertification on the other side.
 */
export async function partnershipActivity(ctx: UseCaseContext, partnershipId: string, page: PageRequest) {
  const entries = early(listActivity({ kind: 'partnership', id: partnershipId }, { ...page, viewer: ctx.actorId }));
  const { access } = await partnershipContext(ctx, partnershipId, 'viewActivity');
  const result = await entries;
  const side = access.isHostMember ? 'host' : 'guest';
  const items = access.isHostMember ? result.items : result.items.filter(visibleToGuestSide);
  // SPEC §10: a side sees who confirmed a recertification on its own side, and when the other side did.
  return { items: items.map((e) => activityView(activityForSide(e, side))), nextCursor: result.nextCursor };
}

/** GET /workspaces/{id}/activity: the workspace's Owner and Admins. */
export async function workspaceActivity(ctx: UseCaseContext, workspaceId: string, page: PageRequest) {
  const entries = early(listActivity({ kind: 'workspace', id: workspaceId }, { ...page, viewer: ctx.actorId }));
  requireWorkspaceAdmin(await ctx.me(), workspaceId);
  const result = await entries;
  return { items: result.items.map(activityView), nextCursor: result.nextCursor };
}
