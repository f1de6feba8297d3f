/**
 * Who may see a host-guest partnership and who may do what with it (SPEC §5). The one authorization
 * function every partnership route uses (and the sharing feature extends): 404 for whoever may not
 * see the partnership, 403 for whoever sees it but is not entitled, 409 invalid_state for an
 * entitled caller in the wrong state. No AWS.
 */
import type { WorkspaceRole } from './identity';
import { forbidden, notFound } from '../errors';
import { awaitsDecision, invalidState, isTerminal, statusesFor, type DecisionAction, type PartnershipRecord } from './partnership';

export interface Viewer {
  userId: string;
  workspaceId?: string;
  role?: WorkspaceRole;
}

/** The viewer of a user record (its membership). */
export const viewerOf = (user: Viewer): Viewer => ({ userId: user.userId, workspaceId: user.workspaceId, role: user.role });

/** What the caller loaded beside the partnership: whether it shares something with the viewer (sharing, SPEC §6). */
export interface ViewerContext {
  sharesWithViewer?: boolean;
}

export interface PartnershipAccess {
  canSee: boolean;
  isHostMember: boolean;
  isHostAdmin: boolean;
  /** A Partnership Owner who still belongs to the host workspace. */
  isOwner: boolean;
  isGuestMember: boolean;
  isGuestAdmin: boolean;
}

type Visible = Pick<PartnershipRecord, 'hostWorkspaceId' | 'guestWorkspaceId' | 'owners' | 'status' | 'guestVisible' | 'partnershipId'> &
  Partial<Pick<PartnershipRecord, 'recertification'>>;

const isAdminRole = (role: WorkspaceRole | undefined) => role === 'owner' || role === 'admin';

/**
 * A plain guest member sees an active partnership while it shares something with them in their
 * current membership of the guest workspace (computed from the partnership's sharing state by
 * shared/features/partnerships/access.ts `partnershipContext`).
 */
const guestMemberCanSee = (context: ViewerContext): boolean => context.sharesWithViewer === true;

export function accessTo(p: Visible, viewer: Viewer, context: ViewerContext = {}): PartnershipAccess {
  const isHostMember = viewer.workspaceId === p.hostWorkspaceId;
  const isGuestMember = viewer.workspaceId === p.guestWorkspaceId;
  const isHostAdmin = isHostMember && isAdminRole(viewer.role);
  const isGuestAdmin = isGuestMember && isAdminRole(viewer.role);
  const isOwner = isHostMember && p.owners.some((o) => o.userId === viewer.userId);
  const canSee =
    isHostAdmin || isOwner || (isGuestAdmin && p.guestVisible) || (isGuestMember && p.status === 'active' && guestMemberCanSee(context));
  return { canSee, isHostMember, isHostAdmin, isOwner, isGuestMember, isGuestAdmin };
}

export type PartnershipAction =
  | DecisionAction
  | 'view'
  | 'remind'
  | 'addOwner'
  | 'viewActivity'
  // governance (SPEC §10): one side's confirmation in an open recertification round
  | 'recertify'
  // sharing (SPEC §6): only while the partnership is active
  | 'share'
  | 'revokeShare'
  | 'removeGuestMember'
  | 'requestAccess'
  | 'decideAccessRequest';

const notEntitled = (what: string) => forbidden(`You are not allowed to ${what} this partnership.`);

/**
 * Checks that `viewer` may do `action` on `p` now; returns their access. Throws 404 (may not see it),
 * 403 (sees it, not entitled) or 409 invalid_state (entitled, wrong status).
 */
export function authorizePartnership(
  p: Visible | undefined,
  viewer: Viewer,
  action: PartnershipAction,
  context: ViewerContext = {},
): PartnershipAccess {
  if (!p) throw notFound('partnership');
  const access = accessTo(p, viewer, context);
  if (!access.canSee) throw notFound('partnership');
  const { isHostAdmin, isGuestAdmin, isOwner } = access;
  const requireState = (ok: boolean) => {
    if (!ok) throw invalidState(p.status, action);
  };
  const inStateFor = (a: DecisionAction) => statusesFor(a).includes(p.status);
  switch (action) {
    case 'view':
      return access;
    case 'viewActivity':
      if (!(isOwner || isHostAdmin || isGuestAdmin)) throw notEntitled('see the activity of');
      return access;
    case 'approve':
      if (!isHostAdmin) throw notEntitled('approve');
      requireState(inStateFor('approve'));
      return access;
    case 'decline':
      if (!isHostAdmin && !isGuestAdmin) throw notEntitled('decline');
      // One route, two stages: host Owner/Admins decide stage 2, guest Owner/Admins stage 3. Outside
      // the caller's own stage (e.g. the host's decline lost the race to an approval) it is the wrong state.
      requireState(p.status === (isHostAdmin ? 'awaiting_host_approval' : 'awaiting_guest_acceptance'));
      return access;
    case 'accept':
      if (!isGuestAdmin) throw notEntitled('accept');
      requireState(inStateFor('accept'));
      return access;
    case 'resend':
      if (!isOwner && !isHostAdmin) throw notEntitled('resend');
      requireState(inStateFor('resend'));
      return access;
    case 'cancel':
      if (!isOwner) throw notEntitled('cancel');
      requireState(inStateFor('cancel'));
      return access;
    case 'remove':
      if (!isOwner && !isHostAdmin && !isGuestAdmin) throw notEntitled('remove');
      requireState(inStateFor('remove'));
      return access;
    case 'remind':
      if (!isOwner) throw notEntitled('send reminders for');
      requireState(awaitsDecision(p.status));
      return access;
    case 'recertify':
      // The host side: a Partnership Owner or a host Owner/Admin; the guest side: a guest Owner/Admin.
      if (!isOwner && !isHostAdmin && !isGuestAdmin) throw notEntitled('recertify');
      requireState(p.status === 'active' && p.recertification !== undefined);
      return access;
    case 'addOwner':
      if (!isOwner) throw notEntitled('add owners to');
      requireState(!isTerminal(p.status));
      return access;
    case 'share':
      if (!isOwner) throw notEntitled('share accounts through');
      requireState(p.status === 'active');
      return access;
    case 'revokeShare':
      if (!isOwner && !isHostAdmin) throw notEntitled('revoke shares of');
      requireState(p.status === 'active');
      return access;
    case 'removeGuestMember':
      if (!isOwner && !isGuestAdmin) throw notEntitled('remove guest members from');
      requireState(p.status === 'active');
      return access;
    case 'requestAccess':
      if (!access.isGuestMember) throw notEntitled('request access in');
      requireState(p.status === 'active');
      return access;
    case 'decideAccessRequest':
      if (!isOwner) throw notEntitled('decide access requests of');
      requireState(p.status === 'active');
      return access;
  }
}

/** What a workspace member lists on one side (`GET /workspaces/{id}/partnerships?side=`). */
export type ListScope = 'host_all' | 'host_owned' | 'guest_all' | 'guest_shared';

export function listScopeFor(viewer: Viewer, workspaceId: string, side: 'host' | 'guest'): ListScope {
  if (viewer.workspaceId !== workspaceId) throw notFound('workspace');
  const admin = isAdminRole(viewer.role);
  if (side === 'host') return admin ? 'host_all' : 'host_owned';
  return admin ? 'guest_all' : 'guest_shared';
}
