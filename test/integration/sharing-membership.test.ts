/**
 * SPEC §5-§6: a guest member's shares belong to one membership of the guest workspace (leaving and
 * rejoining it gives nothing back), and every /partnerships/{id} route sees a plain guest member the
 * same way (404 while nothing is shared with them, 403 for what they may not do once they see it).
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/store/keys';
import { TABLE } from '../../shared/store/table';
import { emailOf, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { readItem } from '../support/table';
import { activePartnership, hostAndGuest, newAccount } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

/** An active partnership owned by the host's plain member, an account of theirs, three plain guest members. */
async function activeSharing() {
  const w = await hostAndGuest();
  const partnershipId = await activePartnership(w, workflow);
  const alice = await w.guest.join('alice', 'member');
  const bob = await w.guest.join('bob', 'member');
  const carol = await w.guest.join('carol', 'member');
  const accountId = await newAccount(w.host.member, w.host.workspaceId, 'CRM');
  return { ...w, partnershipId, accountId, alice, bob, carol, owner: w.host.member };
}
type Sharing = Awaited<ReturnType<typeof activeSharing>>;

async function share(s: Sharing, members: Array<[Client, 'collaborator' | 'manager']>) {
  const response = await s.owner.post(`/partnerships/${s.partnershipId}/shares`, {
    accountId: s.accountId,
    members: members.map(([api, role]) => ({ email: emailOf(api), role })),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return (response.body.members as any[]).map((m) => m.userId).sort();
}

const sharedMembers = async (api: Client, s: Sharing) => {
  const response = await api.get(`/partnerships/${s.partnershipId}/shares`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.items as any[]).flatMap((item) => item.members.map((m: any) => m.userId)).sort();
};
const guestList = async (api: Client, s: Sharing) => {
  const response = await api.get(`/workspaces/${s.guest.workspaceId}/partnerships?side=guest`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.items as any[]).map((p) => p.partnershipId);
};
const login = (api: Client, s: Sharing) => api.post(`/accounts/${s.accountId}/logins`);
const ids = (...apis: Client[]) => apis.map(uid).sort();

async function leaveAndRejoin(s: Sharing, member: Client) {
  expect((await s.guest.owner.delete(`/workspaces/${s.guest.workspaceId}/members/${uid(member)}`)).status).toBe(204);
  expect((await s.guest.owner.post(`/workspaces/${s.guest.workspaceId}/members`, { email: emailOf(member) })).status).toBe(201);
}

describe('a guest member who leaves and rejoins the guest workspace', () => {
  it('has no share any more: no visibility, no login, not listed; a new share gives access again', async () => {
    const s = await activeSharing();
    expect(
      await share(s, [
        [s.alice, 'collaborator'],
        [s.bob, 'manager'],
      ]),
    ).toEqual(ids(s.alice, s.bob));
    const requested = await s.bob.post(`/partnerships/${s.partnershipId}/access-requests`, {
      accountId: s.accountId,
      email: emailOf(s.carol),
      role: 'collaborator',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect((await s.bob.get(`/partnerships/${s.partnershipId}`)).status).toBe(200);
    expect(await guestList(s.bob, s)).toEqual([s.partnershipId]);
    expect((await s.bob.get(`/partnerships/${s.partnershipId}/access-requests`)).body.items).toHaveLength(1);

    await leaveAndRejoin(s, s.bob);

    // Nothing of the partnership is visible to them, and the account refuses them.
    expectError(await s.bob.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');
    expect(await guestList(s.bob, s)).toEqual([]);
    expectError(await s.bob.get(`/partnerships/${s.partnershipId}/access-requests`), 404, 'not_found');
    expectError(await s.bob.get(`/partnerships/${s.partnershipId}/shares`), 404, 'not_found');
    expectError(
      await s.bob.post(`/partnerships/${s.partnershipId}/access-requests`, {
        accountId: s.accountId,
        email: emailOf(s.carol),
        role: 'collaborator',
      }),
      404,
      'not_found',
    );
    expectError(await login(s.bob, s), 404, 'not_found');
    // The share list (two round trips, no member records read) still shows their entry as granted, until
    // the share is written again or they are removed; it gives them nothing.
    for (const viewer of [s.owner, s.host.admin, s.guest.admin]) expect(await sharedMembers(viewer, s)).toEqual(ids(s.alice, s.bob));
    // The others keep theirs.
    expect((await login(s.alice, s)).status).toBe(201);
    expect(await guestList(s.alice, s)).toEqual([s.partnershipId]);

    // The next write of the share prunes their entry; the state no longer counts them, and there is nothing to remove.
    expect(await share(s, [[s.alice, 'manager']])).toEqual(ids(s.alice));
    expect((await readItem(keys.sharingState(s.partnershipId)))?.shareCounts).toEqual({ [uid(s.alice)]: 1 });
    for (const viewer of [s.owner, s.host.admin, s.guest.admin]) expect(await sharedMembers(viewer, s)).toEqual(ids(s.alice));
    expectError(await s.guest.admin.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.bob)}`), 404, 'not_found');

    // Shared again in their new membership: access is back, once; the old membership's requests stay behind.
    expect(await share(s, [[s.bob, 'collaborator']])).toEqual(ids(s.alice, s.bob));
    expect((await login(s.bob, s)).status).toBe(201);
    expect((await s.bob.get(`/partnerships/${s.partnershipId}`)).status).toBe(200);
    expect(await guestList(s.bob, s)).toEqual([s.partnershipId]);
    expect(await sharedMembers(s.bob, s)).toEqual(ids(s.bob));
    expect(await sharedMembers(s.owner, s)).toEqual(ids(s.alice, s.bob));
    expect((await s.bob.get(`/partnerships/${s.partnershipId}/access-requests`)).body.items).toEqual([]);
    expect((await readItem(keys.sharingState(s.partnershipId)))?.shareCounts).toEqual({ [uid(s.alice)]: 1, [uid(s.bob)]: 1 });
  });

  it('who only left loses access at once, stays listed until removed, and the guest list index holds the state only while something is shared', async () => {
    const s = await activeSharing();
    await share(s, [
      [s.alice, 'collaborator'],
      [s.bob, 'collaborator'],
    ]);
    expect((await s.guest.owner.delete(`/workspaces/${s.guest.workspaceId}/members/${uid(s.bob)}`)).status).toBe(204);
    expectError(await login(s.bob, s), 404, 'not_found');
    expect(await sharedMembers(s.owner, s)).toEqual(ids(s.alice, s.bob));
    // Whoever sees the entry can remove it.
    expect((await s.guest.owner.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.bob)}`)).status).toBe(204);
    expect(await sharedMembers(s.owner, s)).toEqual(ids(s.alice));
    expect((await readItem(keys.sharingState(s.partnershipId)))?.shareCounts).toEqual({ [uid(s.alice)]: 1 });

    const indexed = async () => (await readItem(keys.sharingState(s.partnershipId)))?.[TABLE.indexes.byOwner.partitionKey];
    expect(await indexed()).toBe(keys.sharingGuestPartition(s.guest.workspaceId));
    expect((await s.owner.delete(`/partnerships/${s.partnershipId}/shares/${s.accountId}`)).status).toBe(204);
    expect(await indexed()).toBeUndefined();
    expect(await guestList(s.alice, s)).toEqual([]);
  });
});

describe('a plain guest member on the partnership routes', () => {
  it('sees the partnership while it shares something with them: then 403 for what they may not do, before that 404; nothing changes', async () => {
    const s = await activeSharing();
    await share(s, [[s.alice, 'collaborator']]);
    const base = `/partnerships/${s.partnershipId}`;
    const attempts: Array<[string, (api: Client) => Promise<{ status: number; body: any }>]> = [
      ['approve', (api) => api.post(`${base}/approve`)],
      ['decline', (api) => api.post(`${base}/decline`, { reason: 'no' })],
      ['accept', (api) => api.post(`${base}/accept`, { acceptTerms: true })],
      ['resend', (api) => api.post(`${base}/resend`)],
      ['cancel', (api) => api.post(`${base}/cancel`)],
      ['remove', (api) => api.delete(base)],
      ['reminders', (api) => api.post(`${base}/reminders`)],
      ['owners', (api) => api.post(`${base}/owners`, { userId: uid(s.host.admin) })],
      ['activity', (api) => api.get(`${base}/activity`)],
      [
        'share',
        (api) => api.post(`${base}/shares`, { accountId: s.accountId, members: [{ email: emailOf(s.carol), role: 'collaborator' }] }),
      ],
      ['revoke', (api) => api.delete(`${base}/shares/${s.accountId}`)],
      ['remove guest member', (api) => api.delete(`${base}/guest-members/${uid(s.carol)}`)],
    ];
    expect((await s.alice.get(base)).status).toBe(200);
    for (const [what, attempt] of attempts) {
      const seen = await attempt(s.alice);
      expectError(seen, 403, 'forbidden', what);
      const unseen = await attempt(s.bob);
      expectError(unseen, 404, 'not_found', what);
    }
    const after = await s.owner.get(base);
    expect(after.body).toMatchObject({ status: 'active', lastReminderAt: null });
    expect(after.body.owners.map((o: any) => o.userId)).toEqual([uid(s.owner)]);
    expect(await sharedMembers(s.owner, s)).toEqual(ids(s.alice));
  });
});
