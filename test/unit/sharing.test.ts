import { describe, expect, it } from 'vitest';
import {
  applyGrants,
  checkAccessTarget,
  checkShareMembers,
  decideAccessRequest,
  decideGuestLogin,
  decideHostLogin,
  emptyState,
  isCurrentMember,
  isLiveEntry,
  liveMembers,
  MAX_MEMBERS_PER_SHARE,
  memberBatchError,
  removeGuestMemberShares,
  requireManager,
  revokeAccountShares,
  seesAccessRequest,
  sharesWith,
  visibleToGuestSide,
  type AccessRequestRecord,
  type AccountRecord,
  type Grant,
} from '../../shared/domain/sharing';
import { codeOf } from '../support/errors';

const now = new Date('2025-01-01T00:00:00.000Z');
const later = new Date('2025-01-02T00:00:00.000Z');
const ids = { partnershipId: 'p1', hostWorkspaceId: 'host', guestWorkspaceId: 'guest' };
const account = { accountId: 'host-a1', name: 'CRM' };
const wiki = { accountId: 'host-a2', name: 'Wiki' };
const grant = (userId: string, role: Grant['role'] = 'collaborator', joinedAt: string | null = 'j1'): Grant => ({
  userId,
  email: `${userId}@guest`,
  role,
  joinedAt,
});

describe('grants', () => {
  it('adds members with the next sequence number and counts their live shares', () => {
    const first = applyGrants(emptyState(ids), undefined, account, [grant('a'), grant('b', 'manager')], 'owner', now);
    expect(first.state.seq).toBe(1);
    expect(first.state.shareCounts).toEqual({ a: 1, b: 1 });
    expect(first.share.members.a).toMatchObject({ role: 'collaborator', seq: 1, sharedBy: 'owner', sharedAt: now.toISOString() });
    expect(first.changes.map((c) => c.change)).toEqual(['added', 'added']);
    expect(first.state.memberJoinedAt).toEqual({ a: 'j1', b: 'j1' });
    expect(sharesWith(first.state, { userId: 'a', joinedAt: 'j1' })).toBe(true);
    expect(sharesWith(first.state, { userId: 'a', joinedAt: 'j2' })).toBe(false);

    // A second account for a: its count goes to 2.
    const second = applyGrants(first.state, undefined, { accountId: 'host-a2', name: 'Wiki' }, [grant('a')], 'owner', later);
    expect(second.state.shareCounts).toEqual({ a: 2, b: 1 });
  });

  it('re-sharing sets the role (or keeps a higher one for an approved request); unchanged is reported as such', () => {
    const { state, share } = applyGrants(emptyState(ids), undefined, account, [grant('a'), grant('b', 'manager')], 'owner', now);
    const again = applyGrants(state, share, account, [grant('a', 'manager'), grant('b', 'manager')], 'owner2', later);
    expect(again.changes.map((c) => c.change)).toEqual(['role_changed', 'unchanged']);
    expect(again.share.members.a).toMatchObject({ role: 'manager', seq: 1, sharedBy: 'owner', updatedAt: later.toISOString() });
    expect(again.state.shareCounts).toEqual({ a: 1, b: 1 });
    expect(again.share.createdAt).toBe(now.toISOString());

    const approved = applyGrants(state, share, account, [grant('b', 'collaborator')], 'owner', later, { keepHigherRole: true });
    expect(approved.share.members.b!.role).toBe('manager');
    expect(approved.changes[0]!.change).toBe('unchanged');
  });

  it('a member who left and rejoined the guest workspace gets a fresh entry (the old one gave nothing)', () => {
    const { state, share } = applyGrants(emptyState(ids), undefined, account, [grant('a', 'manager', 'j1')], 'owner', now);
    const rejoined = applyGrants(state, share, account, [grant('a', 'collaborator', 'j2')], 'owner', later);
    expect(rejoined.changes[0]!.change).toBe('added');
    expect(rejoined.share.members.a).toMatchObject({ joinedAt: 'j2', seq: 2, role: 'collaborator' });
    expect(rejoined.state.shareCounts.a).toBe(1);
  });

  it('is bounded per account', () => {
    const many = Array.from({ length: MAX_MEMBERS_PER_SHARE }, (_, i) => grant(`u${i}`));
    const { state, share } = applyGrants(emptyState(ids), undefined, account, many, 'owner', now);
    expect(codeOf(() => applyGrants(state, share, account, [grant('one-more')], 'owner', later))).toBe('business_rule:too_many_members');
  });

  it('checks every member: guest workspace, named once', () => {
    const errors = checkShareMembers(
      [
        { email: 'A@guest', role: 'collaborator', user: { userId: 'a', workspaceId: 'guest' } },
        { email: 'h@host', role: 'collaborator', user: { userId: 'h', workspaceId: 'host' } },
        { email: 'x@nowhere', role: 'manager', user: undefined },
        { email: 'a2@guest', role: 'manager', user: { userId: 'a', workspaceId: 'guest' } },
      ],
      'guest',
    );
    expect(errors).toEqual([
      { index: 1, email: 'h@host', code: 'not_guest_member' },
      { index: 2, email: 'x@nowhere', code: 'not_guest_member' },
      { index: 3, email: 'a2@guest', code: 'duplicate_member' },
    ]);
    expect(memberBatchError(errors)).toMatchObject({ kind: 'business_rule', code: 'invalid_members' });
    expect(memberBatchError(errors.slice(0, 2))).toMatchObject({ kind: 'business_rule', code: 'not_guest_member' });
  });
});

describe('revocations are bounded', () => {
  const base = () => {
    const one = applyGrants(emptyState(ids), undefined, account, [grant('a'), grant('b')], 'owner', now);
    const two = applyGrants(one.state, undefined, { accountId: 'host-a2', name: 'Wiki' }, [grant('a')], 'owner', now);
    return { state: two.state, crm: one.share, wiki: two.share };
  };

  it("revoking an account's shares decrements its live members' counts; nothing live is 404", () => {
    const { state, crm } = base();
    const { state: next, revoked } = revokeAccountShares(state, crm, later);
    expect(revoked.map((m) => m.userId)).toEqual(['a', 'b']);
    expect(next.shareCounts).toEqual({ a: 1 });
    expect(sharesWith(next, { userId: 'b', joinedAt: 'j1' })).toBe(false);
    expect(codeOf(() => revokeAccountShares(next, undefined, later))).toBe('not_found:not_found');
  });

  it('removing a guest member kills every entry granted before, not later ones', () => {
    const { state, crm, wiki } = base();
    const { state: next, revokedShares } = removeGuestMemberShares(state, { userId: 'a', joinedAt: 'j1' }, later);
    expect(revokedShares).toBe(2);
    expect(next.removedMembers).toEqual({ a: next.seq });
    expect(next.shareCounts).toEqual({ b: 1 });
    expect(isLiveEntry(crm.members.a!, next)).toBe(false);
    expect(isLiveEntry(wiki.members.a!, next)).toBe(false);
    expect(isLiveEntry(crm.members.b!, next)).toBe(true);
    expect(liveMembers(crm, next).map((m) => m.userId)).toEqual(['b']);
    expect(codeOf(() => removeGuestMemberShares(next, { userId: 'a', joinedAt: 'j1' }, later))).toBe('not_found:not_found');

    // Shared again: a fresh entry (higher seq) is live; the dead one is pruned from the item.
    const again = applyGrants(next, crm, account, [grant('a')], 'owner', later);
    expect(again.changes[0]!.change).toBe('added');
    expect(isLiveEntry(again.share.members.a!, again.state)).toBe(true);
    expect(again.state.shareCounts).toEqual({ a: 1, b: 1 });
    expect(isLiveEntry(wiki.members.a!, again.state)).toBe(false);
  });

  it('the revoked marker kills everything', () => {
    const { state, crm } = base();
    const revoked = { ...state, revokedAt: later.toISOString() };
    expect(liveMembers(crm, revoked)).toEqual([]);
    expect(sharesWith(revoked, { userId: 'a', joinedAt: 'j1' })).toBe(false);
    expect(codeOf(() => removeGuestMemberShares(revoked, { userId: 'a', joinedAt: 'j1' }, later))).toBe('not_found:not_found');
  });
});

describe('access requests', () => {
  const { state, share } = applyGrants(emptyState(ids), undefined, account, [grant('m', 'manager'), grant('c')], 'owner', now);

  it('only a live Manager may ask; a collaborator is 403; an account not shared is 404', () => {
    expect(codeOf(() => requireManager(share, state, { userId: 'm', joinedAt: 'j1' }))).toBeUndefined();
    expect(codeOf(() => requireManager(share, state, { userId: 'c', joinedAt: 'j1' }))).toBe('forbidden:forbidden');
    expect(codeOf(() => requireManager(share, state, { userId: 'nobody' }))).toBe('forbidden:forbidden');
    expect(codeOf(() => requireManager(share, state, { userId: 'm', joinedAt: 'j-other' }))).toBe('forbidden:forbidden');
    expect(codeOf(() => requireManager(undefined, state, { userId: 'm', joinedAt: 'j1' }))).toBe('not_found:not_found');
    const removed = removeGuestMemberShares(state, { userId: 'm', joinedAt: 'j1' }, later).state;
    expect(codeOf(() => requireManager(share, removed, { userId: 'm', joinedAt: 'j1' }))).toBe('forbidden:forbidden');
  });

  it('the target must be a guest member without access yet', () => {
    expect(codeOf(() => checkAccessTarget(share, state, { userId: 'x', workspaceId: 'guest', joinedAt: 'j' }, 'guest'))).toBeUndefined();
    expect(codeOf(() => checkAccessTarget(share, state, { userId: 'x', workspaceId: 'host' }, 'guest'))).toBe(
      'business_rule:not_guest_member',
    );
    expect(codeOf(() => checkAccessTarget(share, state, undefined, 'guest'))).toBe('business_rule:not_guest_member');
    expect(codeOf(() => checkAccessTarget(share, state, { userId: 'c', workspaceId: 'guest', joinedAt: 'j1' }, 'guest'))).toBe(
      'conflict:already_shared',
    );
  });

  it('is decided once', () => {
    const pending: AccessRequestRecord = {
      accessRequestId: 'p1-r1',
      partnershipId: 'p1',
      accountId: 'host-a1',
      accountName: 'CRM',
      userId: 'x',
      email: 'x@guest',
      role: 'collaborator',
      status: 'pending',
      requestedBy: 'm',
      requesterEmail: 'm@guest',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const approved = decideAccessRequest(pending, 'approve', { actorId: 'owner', now: later });
    expect(approved).toMatchObject({
      status: 'approved',
      decision: { by: 'owner', at: later.toISOString() },
      updatedAt: later.toISOString(),
    });
    expect(decideAccessRequest(pending, 'decline', { actorId: 'owner', reason: 'No', now: later })).toMatchObject({
      status: 'declined',
      decision: { reason: 'No' },
    });
    expect(codeOf(() => decideAccessRequest(approved, 'decline', { actorId: 'owner', now: later }))).toBe('conflict:invalid_state');
  });
});

describe('logins', () => {
  const acc: AccountRecord = {
    accountId: 'host-a1',
    workspaceId: 'host',
    name: 'CRM',
    loginUrl: null,
    createdBy: 'creator',
    createdAt: now.toISOString(),
    sharedThrough: { guest: 'p1' },
  };

  it('host side: creator and Owner/Admins; other host members 403; not a host member: not decided here', () => {
    expect(decideHostLogin(acc, { userId: 'creator', workspaceId: 'host', role: 'member' })).toEqual({ allowed: true, via: 'creator' });
    expect(decideHostLogin(acc, { userId: 'x', workspaceId: 'host', role: 'admin' })).toEqual({ allowed: true, via: 'host_admin' });
    expect(decideHostLogin(acc, { userId: 'x', workspaceId: 'host', role: 'billing_admin' })).toMatchObject({
      allowed: false,
      error: { kind: 'forbidden' },
    });
    // A creator who left the host workspace is nobody special.
    expect(decideHostLogin(acc, { userId: 'creator', workspaceId: 'elsewhere', role: 'owner' })).toBeUndefined();
  });

  it('guest side: a live entry on an active partnership, same membership; anything else 404', () => {
    const { state, share } = applyGrants(emptyState(ids), undefined, account, [grant('g', 'collaborator', 'j1')], 'owner', now);
    const user = { userId: 'g', workspaceId: 'guest', joinedAt: 'j1' };
    const active = { status: 'active', guestWorkspaceId: 'guest' };
    expect(decideGuestLogin({ user, partnership: active, state, share })).toEqual({ allowed: true, via: 'share', role: 'collaborator' });
    const refused = (input: Partial<Parameters<typeof decideGuestLogin>[0]>) =>
      decideGuestLogin({ user, partnership: active, state, share, ...input });
    expect(refused({ partnership: { status: 'removed', guestWorkspaceId: 'guest' } })).toMatchObject({
      allowed: false,
      reason: 'partnership_not_active',
      error: { kind: 'not_found' },
    });
    expect(refused({ user: { ...user, workspaceId: 'other' } })).toMatchObject({
      reason: 'not_guest_member',
      error: { kind: 'not_found' },
    });
    expect(refused({ user: { ...user, joinedAt: 'j2' } })).toMatchObject({ reason: 'membership_changed', error: { kind: 'not_found' } });
    expect(refused({ share: undefined })).toMatchObject({ reason: 'not_shared', error: { kind: 'not_found' } });
    expect(refused({ user: { ...user, userId: 'h' } })).toMatchObject({ reason: 'not_shared', error: { kind: 'not_found' } });
    expect(refused({ state: removeGuestMemberShares(state, { userId: 'g', joinedAt: 'j1' }, later).state })).toMatchObject({
      reason: 'guest_member_removed',
      error: { kind: 'not_found' },
    });
    expect(refused({ state: { ...state, revokedAt: later.toISOString() } })).toMatchObject({
      reason: 'partnership_revoked',
      error: { kind: 'not_found' },
    });
  });
});

describe('partnership activity on the guest side', () => {
  it('hides the host approval stage only', () => {
    expect(visibleToGuestSide({ action: 'partnership.requested', data: { from: null, to: 'awaiting_host_approval' } })).toBe(false);
    expect(
      visibleToGuestSide({ action: 'partnership.approved', data: { from: 'awaiting_host_approval', to: 'awaiting_guest_acceptance' } }),
    ).toBe(false);
    expect(visibleToGuestSide({ action: 'partnership.reminder_sent', data: { status: 'awaiting_host_approval' } })).toBe(false);
    expect(
      visibleToGuestSide({ action: 'partnership.requested', data: { from: null, to: 'awaiting_guest_acceptance', hostApproval: 'auto' } }),
    ).toBe(true);
    expect(visibleToGuestSide({ action: 'partnership.accepted', data: { from: 'awaiting_guest_acceptance', to: 'active' } })).toBe(true);
    expect(visibleToGuestSide({ action: 'account.login', data: { to: 'awaiting_host_approval' } })).toBe(true);
  });
});

// ---- shares belong to one membership of the guest workspace (its `joinedAt`) ----

describe('counts are about one membership', () => {
  it('a grant in a new membership starts over; entries of the old one neither count nor live', () => {
    const one = applyGrants(emptyState(ids), undefined, account, [grant('a', 'collaborator', 'j1')], 'owner', now);
    const two = applyGrants(one.state, undefined, wiki, [grant('a', 'collaborator', 'j1'), grant('b', 'collaborator', 'j1')], 'owner', now);
    expect(two.state).toMatchObject({ shareCounts: { a: 2, b: 1 }, memberJoinedAt: { a: 'j1', b: 'j1' } });
    expect(sharesWith(two.state, { userId: 'a', joinedAt: 'j1' })).toBe(true);
    // The member left and rejoined (j2): nothing is shared with them until a new grant.
    expect(sharesWith(two.state, { userId: 'a', joinedAt: 'j2' })).toBe(false);

    const regranted = applyGrants(two.state, one.share, account, [grant('a', 'collaborator', 'j2')], 'owner', later);
    expect(regranted.changes[0]!.change).toBe('added');
    expect(regranted.state).toMatchObject({ shareCounts: { a: 1, b: 1 }, memberJoinedAt: { a: 'j2', b: 'j1' } });
    expect(sharesWith(regranted.state, { userId: 'a', joinedAt: 'j2' })).toBe(true);
    expect(isLiveEntry(two.share.members.a!, regranted.state)).toBe(false);
    expect(isLiveEntry(regranted.share.members.a!, regranted.state)).toBe(true);

    // Revoking the account that still holds the old entry ends b's share and leaves a's new count alone.
    const { state: revoked, revoked: members } = revokeAccountShares(regranted.state, two.share, later);
    expect(members.map((m) => m.userId)).toEqual(['b']);
    expect(revoked).toMatchObject({ shareCounts: { a: 1 }, memberJoinedAt: { a: 'j2' } });
  });

  it('a grant that reads the members prunes those who left the guest workspace', () => {
    const { state, share } = applyGrants(
      emptyState(ids),
      undefined,
      account,
      [grant('a', 'collaborator', 'j1'), grant('b', 'collaborator', 'j1')],
      'owner',
      now,
    );
    const users = new Map([
      ['a', { userId: 'a', workspaceId: 'guest', joinedAt: 'j1' }],
      ['b', { userId: 'b', workspaceId: 'guest', joinedAt: 'j9' }],
    ]);
    const next = applyGrants(state, share, account, [grant('a', 'manager', 'j1')], 'owner', later, { users });
    expect(Object.keys(next.share.members)).toEqual(['a']);
    expect(next.state).toMatchObject({ shareCounts: { a: 1 }, memberJoinedAt: { a: 'j1' } });
    expect(isCurrentMember(share.members.a!, users.get('a'), 'guest')).toBe(true);
    expect(isCurrentMember(share.members.b!, users.get('b'), 'guest')).toBe(false);
    expect(isCurrentMember(share.members.a!, { userId: 'a', workspaceId: 'other', joinedAt: 'j1' }, 'guest')).toBe(false);
    expect(isCurrentMember(share.members.a!, undefined, 'guest')).toBe(false);
  });

  it('removing a guest member needs a live share in their current membership', () => {
    const { state } = applyGrants(emptyState(ids), undefined, account, [grant('a', 'collaborator', 'j1')], 'owner', now);
    expect(codeOf(() => removeGuestMemberShares(state, { userId: 'a', joinedAt: 'j2' }, later))).toBe('not_found:not_found');
    expect(codeOf(() => removeGuestMemberShares(state, { userId: 'a' }, later))).toBe('not_found:not_found');
    const removed = removeGuestMemberShares(state, { userId: 'a', joinedAt: 'j1' }, later);
    expect(removed.revokedShares).toBe(1);
    expect(removed.state).toMatchObject({ shareCounts: {}, memberJoinedAt: {}, removedMembers: { a: removed.state.seq } });
  });

  it('user ids are plain keys ("constructor" is nobody special)', () => {
    expect(sharesWith(emptyState(ids), { userId: 'constructor', joinedAt: 'j1' })).toBe(false);
    const { state, share } = applyGrants(emptyState(ids), undefined, account, [grant('constructor', 'collaborator', 'j1')], 'owner', now);
    expect(state.shareCounts).toEqual({ constructor: 1 });
    expect(sharesWith(state, { userId: 'constructor', joinedAt: 'j1' })).toBe(true);
    expect(Object.values(share.members).map((m) => [m.userId, isLiveEntry(m, state)])).toEqual([['constructor', true]]);
  });
});

describe('access requests in the list of a plain guest member', () => {
  const request: AccessRequestRecord = {
    accessRequestId: 'p1-r1',
    partnershipId: 'p1',
    accountId: 'host-a1',
    accountName: 'CRM',
    userId: 't',
    email: 't@guest',
    role: 'collaborator',
    status: 'pending',
    requestedBy: 'm',
    requesterEmail: 'm@guest',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
  };

  it('theirs, made during their current membership; everyone else sees none, Owners and admins all', () => {
    expect(seesAccessRequest(request, { userId: 'm', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(true);
    expect(seesAccessRequest(request, { userId: 't', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(true);
    expect(seesAccessRequest(request, { userId: 'm', joinedAt: '2025-01-01T11:00:00.000Z' }, false)).toBe(false);
    expect(seesAccessRequest(request, { userId: 'x', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(false);
    expect(seesAccessRequest(request, { userId: 'x' }, true)).toBe(true);
  });
});
