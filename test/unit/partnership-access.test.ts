import { describe, expect, it } from 'vitest';
import { decide, decideRequest, type PartnershipRecord, type PartnershipStatus } from '../../shared/domain/partnership';
import { accessTo, authorizePartnership, listScopeFor, type PartnershipAction, type Viewer } from '../../shared/domain/partnership-access';
import { DomainError } from '../../shared/errors';
import { codeOf } from '../support/errors';

const now = new Date('2025-01-01T00:00:00.000Z');
const base = decideRequest({
  partnershipId: 'p1',
  host: { workspaceId: 'host', name: 'Host' },
  guestWorkspaceId: 'guest',
  guest: { workspaceId: 'guest', name: 'Guest' },
  partnerEmail: 'partner@guest',
  guestAdminEmails: ['partner@guest'],
  reason: 'r',
  requester: { userId: 'owner', email: 'owner@host', isHostAdmin: false },
  now,
});
const withStatus = (
  status: PartnershipStatus,
  guestVisible = status !== 'awaiting_host_approval' && status !== 'declined_by_host',
): PartnershipRecord => ({
  ...base,
  status,
  guestVisible,
});

const hostAdmin: Viewer = { userId: 'ha', workspaceId: 'host', role: 'admin' };
const hostOwnerRole: Viewer = { userId: 'ho', workspaceId: 'host', role: 'owner' };
const hostMember: Viewer = { userId: 'hm', workspaceId: 'host', role: 'member' };
const owner: Viewer = { userId: 'owner', workspaceId: 'host', role: 'member' };
const guestAdmin: Viewer = { userId: 'ga', workspaceId: 'guest', role: 'admin' };
const guestMember: Viewer = { userId: 'gm', workspaceId: 'guest', role: 'billing_admin' };
const outsider: Viewer = { userId: 'x', workspaceId: 'other', role: 'owner' };

function outcome(p: PartnershipRecord, viewer: Viewer, action: PartnershipAction): number {
  try {
    authorizePartnership(p, viewer, action);
    return 200;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { not_found: 404, forbidden: 403, conflict: 409 }[error.kind as 'not_found' | 'forbidden' | 'conflict'];
  }
}

describe('visibility', () => {
  it('host Owner/Admins see all; other host members only those they own', () => {
    const p = withStatus('awaiting_host_approval');
    expect(accessTo(p, hostAdmin).canSee).toBe(true);
    expect(accessTo(p, hostOwnerRole).canSee).toBe(true);
    expect(accessTo(p, owner).canSee).toBe(true);
    expect(accessTo(p, hostMember).canSee).toBe(false);
    expect(accessTo(p, outsider).canSee).toBe(false);
  });

  it('an owner who left the host workspace no longer sees it', () => {
    expect(accessTo(withStatus('active'), { userId: 'owner', workspaceId: 'elsewhere', role: 'owner' }).canSee).toBe(false);
  });

  it('guest Owner/Admins see it only from awaiting_guest_acceptance on', () => {
    expect(accessTo(withStatus('awaiting_host_approval'), guestAdmin).canSee).toBe(false);
    expect(accessTo(withStatus('declined_by_host'), guestAdmin).canSee).toBe(false);
    expect(accessTo(withStatus('cancelled', false), guestAdmin).canSee).toBe(false);
    for (const status of ['awaiting_guest_acceptance', 'declined_by_guest', 'active', 'removed', 'cancelled'] as const) {
      expect(accessTo(withStatus(status, true), guestAdmin).canSee).toBe(true);
    }
  });

  it('guest members see only active partnerships that share something with them', () => {
    expect(accessTo(withStatus('active'), guestMember).canSee).toBe(false);
    expect(accessTo(withStatus('active'), guestMember, { sharesWithViewer: true }).canSee).toBe(true);
    expect(accessTo(withStatus('awaiting_guest_acceptance'), guestMember, { sharesWithViewer: true }).canSee).toBe(false);
  });

  it('list scope per side and role', () => {
    expect(listScopeFor(hostAdmin, 'host', 'host')).toBe('host_all');
    expect(listScopeFor(hostMember, 'host', 'host')).toBe('host_owned');
    expect(listScopeFor(guestAdmin, 'guest', 'guest')).toBe('guest_all');
    expect(listScopeFor(guestMember, 'guest', 'guest')).toBe('guest_shared');
    expect(() => listScopeFor(outsider, 'host', 'host')).toThrow(DomainError);
  });
});

describe('entitlements: 404 cannot see, 403 not entitled, 409 wrong state', () => {
  it.each<[string, PartnershipStatus, Viewer, PartnershipAction, number]>([
    ['host admin approves', 'awaiting_host_approval', hostAdmin, 'approve', 200],
    ['owner (member) approves', 'awaiting_host_approval', owner, 'approve', 403],
    ['plain host member approves', 'awaiting_host_approval', hostMember, 'approve', 404],
    ['guest admin approves before seeing it', 'awaiting_host_approval', guestAdmin, 'approve', 404],
    ['guest admin approves in guest stage', 'awaiting_guest_acceptance', guestAdmin, 'approve', 403],
    ['host admin approves twice', 'awaiting_guest_acceptance', hostAdmin, 'approve', 409],
    ['host admin declines in host stage', 'awaiting_host_approval', hostAdmin, 'decline', 200],
    ['host admin declines in guest stage', 'awaiting_guest_acceptance', hostAdmin, 'decline', 409],
    ['guest admin declines in guest stage', 'awaiting_guest_acceptance', guestAdmin, 'decline', 200],
    ['guest admin declines when active', 'active', guestAdmin, 'decline', 409],
    ['owner declines', 'awaiting_host_approval', owner, 'decline', 403],
    ['guest admin accepts', 'awaiting_guest_acceptance', guestAdmin, 'accept', 200],
    ['host admin accepts', 'awaiting_guest_acceptance', hostAdmin, 'accept', 403],
    ['guest admin accepts twice', 'active', guestAdmin, 'accept', 409],
    ['outsider accepts', 'awaiting_guest_acceptance', outsider, 'accept', 404],
    ['owner resends', 'declined_by_guest', owner, 'resend', 200],
    ['host admin resends', 'declined_by_guest', hostAdmin, 'resend', 200],
    ['guest admin resends', 'declined_by_guest', guestAdmin, 'resend', 403],
    ['owner resends while pending', 'awaiting_guest_acceptance', owner, 'resend', 409],
    ['owner cancels', 'awaiting_guest_acceptance', owner, 'cancel', 200],
    ['host admin cancels', 'awaiting_host_approval', hostAdmin, 'cancel', 403],
    ['owner cancels when active', 'active', owner, 'cancel', 409],
    ['owner removes', 'active', owner, 'remove', 200],
    ['host admin removes', 'active', hostAdmin, 'remove', 200],
    ['guest admin removes', 'active', guestAdmin, 'remove', 200],
    ['guest member removes', 'active', guestMember, 'remove', 404],
    ['owner removes twice', 'removed', owner, 'remove', 409],
    ['owner reminds', 'awaiting_host_approval', owner, 'remind', 200],
    ['host admin reminds', 'awaiting_host_approval', hostAdmin, 'remind', 403],
    ['owner reminds when active', 'active', owner, 'remind', 409],
    ['owner adds owner', 'active', owner, 'addOwner', 200],
    ['host admin adds owner', 'active', hostAdmin, 'addOwner', 403],
    ['owner adds owner when cancelled', 'cancelled', owner, 'addOwner', 409],
  ])('%s (%s) -> %i', (_label, status, viewer, action, expected) => {
    expect(outcome(withStatus(status), viewer, action)).toBe(expected);
  });

  it('a missing partnership is 404', () => {
    expect(() => authorizePartnership(undefined, hostAdmin, 'view')).toThrow(DomainError);
  });

  it('a decided record stays consistent with the access rules', () => {
    const approved = decide(withStatus('awaiting_host_approval'), 'approve', { actorId: 'ha', now }).record;
    expect(outcome(approved, guestAdmin, 'accept')).toBe(200);
  });
});

describe('authorization of the sharing actions', () => {
  // The guest side with both Owner and Admin roles (the same rights), plus plain guest members with and without a share.
  const viewers: Record<string, Viewer> = {
    owner,
    hostAdmin,
    hostMember,
    guestAdmin,
    guestOwner: { userId: 'go', workspaceId: 'guest', role: 'owner' },
    sharedGuest: { userId: 'sg', workspaceId: 'guest', role: 'member' },
    plainGuest: { userId: 'pg', workspaceId: 'guest', role: 'member' },
    outsider,
  };
  const status = (p: PartnershipRecord, who: string, action: PartnershipAction) => {
    const code = codeOf(() => authorizePartnership(p, viewers[who]!, action, { sharesWithViewer: who === 'sharedGuest' }));
    return code === undefined ? 200 : { 'not_found:not_found': 404, 'forbidden:forbidden': 403, 'conflict:invalid_state': 409 }[code];
  };
  const table = (p: PartnershipRecord, action: PartnershipAction) =>
    Object.fromEntries(Object.keys(viewers).map((who) => [who, status(p, who, action)]));

  it('active partnership', () => {
    const p = withStatus('active');
    const seen = { hostMember: 404, plainGuest: 404, outsider: 404 };
    const guestSide = (both: number) => ({ guestAdmin: both, guestOwner: both });
    expect(table(p, 'share')).toEqual({ owner: 200, hostAdmin: 403, ...guestSide(403), sharedGuest: 403, ...seen });
    expect(table(p, 'revokeShare')).toEqual({ owner: 200, hostAdmin: 200, ...guestSide(403), sharedGuest: 403, ...seen });
    expect(table(p, 'removeGuestMember')).toEqual({ owner: 200, hostAdmin: 403, ...guestSide(200), sharedGuest: 403, ...seen });
    expect(table(p, 'requestAccess')).toEqual({ owner: 403, hostAdmin: 403, ...guestSide(200), sharedGuest: 200, ...seen });
    expect(table(p, 'decideAccessRequest')).toEqual({ owner: 200, hostAdmin: 403, ...guestSide(403), sharedGuest: 403, ...seen });
    expect(table(p, 'viewActivity')).toEqual({ owner: 200, hostAdmin: 200, ...guestSide(200), sharedGuest: 403, ...seen });
  });

  it('not active: entitled callers get 409, a shared plain guest member no longer sees it', () => {
    for (const s of ['awaiting_guest_acceptance', 'removed'] as const) {
      const p = withStatus(s);
      expect(status(p, 'owner', 'share')).toBe(409);
      expect(status(p, 'hostAdmin', 'revokeShare')).toBe(409);
      expect(status(p, 'guestAdmin', 'removeGuestMember')).toBe(409);
      expect(status(p, 'guestOwner', 'removeGuestMember')).toBe(409);
      expect(status(p, 'owner', 'decideAccessRequest')).toBe(409);
      expect(status(p, 'sharedGuest', 'requestAccess')).toBe(404);
    }
  });
});
