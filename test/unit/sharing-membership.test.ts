/** shared/domain/sharing.ts: shares belong to one membership of the guest workspace (its `joinedAt`). */
import { describe, expect, it } from 'vitest';
import {
  applyGrants,
  emptyState,
  isCurrentMember,
  isLiveEntry,
  removeGuestMemberShares,
  revokeAccountShares,
  seesAccessRequest,
  sharesWith,
  type AccessRequestRecord,
  type Grant,
} from '../../shared/domain/sharing';
import { codeOf } from '../support/domain-errors';

const now = new Date('2025-01-01T00:00:00.000Z');
const later = new Date('2025-01-02T00:00:00.000Z');
const ids = { partnershipId: 'p1', hostWorkspaceId: 'host', guestWorkspaceId: 'guest' };
const crm = { accountId: 'host-a1', name: 'CRM' };
const wiki = { accountId: 'host-a2', name: 'Wiki' };
const grant = (userId: string, joinedAt: string, role: Grant['role'] = 'collaborator'): Grant => ({ userId, email: `${userId}@guest`, role, joinedAt });


describe('counts are about one membership', () => {
  it('a grant in a new membership starts over; entries of the old one neither count nor live', () => {
    const one = applyGrants(emptyState(ids), undefined, crm, [grant('a', 'j1')], 'owner', now);
    const two = applyGrants(one.state, undefined, wiki, [grant('a', 'j1'), grant('b', 'j1')], 'owner', now);
    expect(two.state).toMatchObject({ shareCounts: { a: 2, b: 1 }, memberJoinedAt: { a: 'j1', b: 'j1' } });
    expect(sharesWith(two.state, { userId: 'a', joinedAt: 'j1' })).toBe(true);
    // The member left and rejoined (j2): nothing is shared with them until a new grant.
    expect(sharesWith(two.state, { userId: 'a', joinedAt: 'j2' })).toBe(false);

    const regranted = applyGrants(two.state, one.share, crm, [grant('a', 'j2')], 'owner', later);
    expect(regranted.changes[0].change).toBe('added');
    expect(regranted.state).toMatchObject({ shareCounts: { a: 1, b: 1 }, memberJoinedAt: { a: 'j2', b: 'j1' } });
    expect(sharesWith(regranted.state, { userId: 'a', joinedAt: 'j2' })).toBe(true);
    expect(isLiveEntry(two.share.members.a, regranted.state)).toBe(false);
    expect(isLiveEntry(regranted.share.members.a, regranted.state)).toBe(true);

    // Revoking the account that still holds the old entry ends b's share and leaves a's new count alone.
    const { state: revoked, revoked: members } = revokeAccountShares(regranted.state, two.share, later);
    expect(members.map((m) => m.userId)).toEqual(['b']);
    expect(revoked).toMatchObject({ shareCounts: { a: 1 }, memberJoinedAt: { a: 'j2' } });
  });

  it('a grant that reads the members prunes those who left the guest workspace', () => {
    const { state, share } = applyGrants(emptyState(ids), undefined, crm, [grant('a', 'j1'), grant('b', 'j1')], 'owner', now);
    const users = new Map([
      ['a', { userId: 'a', workspaceId: 'guest', joinedAt: 'j1' }],
      ['b', { userId: 'b', workspaceId: 'guest', joinedAt: 'j9' }],
    ]);
    const next = applyGrants(state, share, crm, [grant('a', 'j1', 'manager')], 'owner', later, { users });
    expect(Object.keys(next.share.members)).toEqual(['a']);
    expect(next.state).toMatchObject({ shareCounts: { a: 1 }, memberJoinedAt: { a: 'j1' } });
    expect(isCurrentMember(share.members.a, users.get('a'), 'guest')).toBe(true);
    expect(isCurrentMember(share.members.b, users.get('b'), 'guest')).toBe(false);
    expect(isCurrentMember(share.members.a, { userId: 'a', workspaceId: 'other', joinedAt: 'j1' }, 'guest')).toBe(false);
    expect(isCurrentMember(share.members.a, undefined, 'guest')).toBe(false);
  });

  it('removing a guest member needs a live share in their current membership', () => {
    const { state } = applyGrants(emptyState(ids), undefined, crm, [grant('a', 'j1')], 'owner', now);
    expect(codeOf(() => removeGuestMemberShares(state, { userId: 'a', joinedAt: 'j2' }, later))).toBe('not_found:not_found');
    expect(codeOf(() => removeGuestMemberShares(state, { userId: 'a' }, later))).toBe('not_found:not_found');
    const removed = removeGuestMemberShares(state, { userId: 'a', joinedAt: 'j1' }, later);
    expect(removed.revokedShares).toBe(1);
    expect(removed.state).toMatchObject({ shareCounts: {}, memberJoinedAt: {}, removedMembers: { a: removed.state.seq } });
  });

  it('user ids are plain keys ("constructor" is nobody special)', () => {
    expect(sharesWith(emptyState(ids), { userId: 'constructor', joinedAt: 'j1' })).toBe(false);
    const { state, share } = applyGrants(emptyState(ids), undefined, crm, [grant('constructor', 'j1')], 'owner', now);
    expect(state.shareCounts).toEqual({ constructor: 1 });
    expect(sharesWith(state, { userId: 'constructor', joinedAt: 'j1' })).toBe(true);
    expect(Object.values(share.members).map((m) => [m.userId, isLiveEntry(m, state)])).toEqual([['constructor', true]]);
  });
});

describe('access requests in the list of a plain guest member', () => {
  const request: AccessRequestRecord = {
    accessRequestId: 'p1-r1', partnershipId: 'p1', accountId: 'host-a1', accountName: 'CRM', userId: 't', email: 't@guest',
    role: 'collaborator', status: 'pending', requestedBy: 'm', requesterEmail: 'm@guest', createdAt: '2025-01-01T10:00:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z',
  };

  it('theirs, made during their current membership; everyone else sees none, Owners and admins all', () => {
    expect(seesAccessRequest(request, { userId: 'm', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(true);
    expect(seesAccessRequest(request, { userId: 't', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(true);
    expect(seesAccessRequest(request, { userId: 'm', joinedAt: '2025-01-01T11:00:00.000Z' }, false)).toBe(false);
    expect(seesAccessRequest(request, { userId: 'x', joinedAt: '2025-01-01T09:00:00.000Z' }, false)).toBe(false);
    expect(seesAccessRequest(request, { userId: 'x' }, true)).toBe(true);
  });
});
