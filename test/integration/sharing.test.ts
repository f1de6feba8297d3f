/** SPEC §6: sharing accounts through an active partnership, logins, access requests and activity, through the API. */
import { describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { keys } from '../../shared/store/keys';
import { emailOf, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, readItem } from '../support/table';
import { activePartnership, adminRequest, hostAndGuest, newAccount, type HostAndGuest } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

/**
 * A world with an active partnership whose Partnership Owner is the host's plain member (so the host
 * Admin is not an owner), an account created by that member, and two more guest members.
 */
async function sharingWorld() {
  const w = await hostAndGuest();
  const partnershipId = await activePartnership(w, workflow);
  const [alice, bob] = [await w.guest.join('alice', 'member'), await w.guest.join('bob', 'member')];
  const accountId = await hostAccount(w, w.host.member, 'CRM');
  return { ...w, partnershipId, accountId, alice, bob, owner: w.host.member };
}
type SharingWorld = Awaited<ReturnType<typeof sharingWorld>>;

/** An account of the host workspace, created by `by`. */
const hostAccount = (w: HostAndGuest, by: Client, name: string) =>
  newAccount(by, w.host.workspaceId, name, 'https://crm.example.com/login');

async function share(s: SharingWorld, accountId: string, members: Array<[Client, 'collaborator' | 'manager']>) {
  const response = await s.owner.post(`/partnerships/${s.partnershipId}/shares`, {
    accountId,
    members: members.map(([api, role]) => ({ email: emailOf(api), role })),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const login = (api: Client, accountId: string) => api.post(`/accounts/${accountId}/logins`);
const shares = async (api: Client, s: SharingWorld) => {
  const response = await api.get(`/partnerships/${s.partnershipId}/shares`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items as any[];
};
const guestList = async (api: Client, s: SharingWorld) =>
  ((await api.get(`/workspaces/${s.guest.workspaceId}/partnerships?side=guest`)).body.items as any[]).map((p) => p.partnershipId);
const actions = async (scope: { kind: 'workspace' | 'partnership'; id: string }) => (await listActivity(scope, { limit: 100 })).items;

describe('accounts', () => {
  it('any host member creates accounts; members list them; others 404; bad input 400 and nothing created', async () => {
    const w = await hostAndGuest();
    const billing = await w.host.join('billing', 'billing_admin');
    const made = await w.host.member.post(`/workspaces/${w.host.workspaceId}/accounts`, {
      name: 'Analytics',
      loginUrl: 'https://a.example.com',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      workspaceId: w.host.workspaceId,
      name: 'Analytics',
      loginUrl: 'https://a.example.com',
      createdBy: uid(w.host.member),
    });
    expect(made.body.accountId.startsWith(`${w.host.workspaceId}-`)).toBe(true);
    expect((await billing.post(`/workspaces/${w.host.workspaceId}/accounts`, { name: 'Billing portal' })).body.loginUrl).toBeNull();
    expectError(await w.guest.owner.post(`/workspaces/${w.host.workspaceId}/accounts`, { name: 'X' }), 404, 'not_found');

    const listed = await w.host.member.get(`/workspaces/${w.host.workspaceId}/accounts`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: any) => a.name)).toEqual(['Analytics', 'Billing portal']);
    expect(listed.body.nextCursor).toBeNull();
    const page = await w.host.owner.get(`/workspaces/${w.host.workspaceId}/accounts?limit=1`);
    expect(page.body.items.map((a: any) => a.name)).toEqual(['Analytics']);
    const next = await w.host.owner.get(
      `/workspaces/${w.host.workspaceId}/accounts?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`,
    );
    expect(next.body.items.map((a: any) => a.name)).toEqual(['Billing portal']);
    expectError(await w.guest.owner.get(`/workspaces/${w.host.workspaceId}/accounts`), 404, 'not_found');
    expectError(await w.outsider.get(`/workspaces/${w.host.workspaceId}/accounts`), 404, 'not_found');

    for (const body of [
      {},
      { name: '' },
      { name: 'X', loginUrl: 'ftp://x' },
      { name: 'X', loginUrl: 'not a url' },
      { name: 'X', extra: 1 },
    ]) {
      expectError(await w.host.member.post(`/workspaces/${w.host.workspaceId}/accounts`, body), 400, 'validation_failed');
    }
    expect((await w.host.member.get(`/workspaces/${w.host.workspaceId}/accounts`)).body.items).toHaveLength(2);
  });

  it('an Idempotency-Key retry returns the first account and creates nothing', async () => {
    const w = await hostAndGuest();
    const headers = { 'idempotency-key': 'acc-1' };
    const first = await w.host.member.post(`/workspaces/${w.host.workspaceId}/accounts`, { name: 'Once' }, headers);
    const again = await w.host.member.post(`/workspaces/${w.host.workspaceId}/accounts`, { name: 'Once' }, headers);
    expect(again.status).toBe(201);
    expect(again.body.accountId).toBe(first.body.accountId);
    expectError(
      await w.host.member.post(`/workspaces/${w.host.workspaceId}/accounts`, { name: 'Other' }, headers),
      422,
      'idempotency_key_reused',
    );
    expect((await w.host.member.get(`/workspaces/${w.host.workspaceId}/accounts`)).body.items).toHaveLength(1);
  });
});

describe('shares', () => {
  it('a Partnership Owner shares an account with guest members; re-sharing sets the role; the member is told', async () => {
    const s = await sharingWorld();
    expect(await guestList(s.alice, s)).toEqual([]);
    expectError(await s.alice.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');

    const shared = await share(s, s.accountId, [
      [s.alice, 'collaborator'],
      [s.bob, 'manager'],
    ]);
    expect(shared).toMatchObject({ partnershipId: s.partnershipId, accountId: s.accountId, accountName: 'CRM' });
    expect(shared.members.map((m: any) => [m.email, m.role]).sort()).toEqual(
      [
        [emailOf(s.alice), 'collaborator'],
        [emailOf(s.bob), 'manager'],
      ].sort(),
    );
    expect(await notificationsOf(s.alice, 'share.granted')).toMatchObject([
      { data: { accountName: 'CRM', role: 'collaborator', partnershipId: s.partnershipId } },
    ]);
    expect(await notificationsOf(s.bob, 'share.granted')).toMatchObject([{ data: { role: 'manager' } }]);

    // The plain guest members now see the partnership (GET and their list), only while shared.
    expect((await s.alice.get(`/partnerships/${s.partnershipId}`)).body).toMatchObject({ status: 'active', reason: null });
    expect(await guestList(s.alice, s)).toEqual([s.partnershipId]);
    expect(await guestList(s.guest.member, s)).toEqual([]);
    expectError(await s.guest.member.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');

    // Re-sharing updates the role; an unchanged re-share changes nothing.
    const again = await share(s, s.accountId, [[s.alice, 'manager']]);
    expect(again.members.find((m: any) => m.userId === uid(s.alice)).role).toBe('manager');
    expect(await notificationsOf(s.alice, 'share.granted')).toHaveLength(2);
    await share(s, s.accountId, [[s.alice, 'manager']]);
    expect(await notificationsOf(s.alice, 'share.granted')).toHaveLength(2);

    // Who sees what of the shares.
    for (const api of [s.owner, s.host.admin, s.guest.admin]) expect((await shares(api, s))[0].members).toHaveLength(2);
    const account2 = await hostAccount(s, s.host.owner, 'Wiki');
    await share(s, account2, [[s.bob, 'collaborator']]);
    expect((await shares(s.owner, s)).map((x) => x.accountId)).toEqual([s.accountId, account2]);
    // bob manages CRM (sees its members) but only collaborates on Wiki (sees himself).
    const bobView = await shares(s.bob, s);
    expect(bobView.map((x) => [x.accountId, x.members.length])).toEqual([
      [s.accountId, 2],
      [account2, 1],
    ]);
    const aliceView = await shares(s.alice, s);
    expect(aliceView.map((x) => x.accountId)).toEqual([s.accountId]);
    expectError(await s.guest.member.get(`/partnerships/${s.partnershipId}/shares`), 404, 'not_found');
    expectError(await s.outsider.get(`/partnerships/${s.partnershipId}/shares`), 404, 'not_found');
    const page = await s.owner.get(`/partnerships/${s.partnershipId}/shares?limit=1`);
    expect(page.body.items).toHaveLength(1);
    const rest = await s.owner.get(`/partnerships/${s.partnershipId}/shares?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(rest.body.items.map((x: any) => x.accountId)).toEqual([account2]);

    const log = await actions({ kind: 'partnership', id: s.partnershipId });
    expect(log.filter((e) => e.action === 'share.granted')).toHaveLength(3);
    expect((await actions({ kind: 'workspace', id: s.guest.workspaceId })).some((e) => e.action === 'share.granted')).toBe(true);
  });

  it('refusals: not active 409, not an owner 403/404, members not in the guest workspace 422, foreign account 404, bad input 400; nothing changes', async () => {
    const s = await sharingWorld();
    const stranger = await s.host.join('stranger', 'member');
    const body = (members: Array<{ email: string; role: string }>, accountId = s.accountId) => ({ accountId, members });
    const ok = body([{ email: emailOf(s.alice), role: 'collaborator' }]);
    expectError(await s.host.admin.post(`/partnerships/${s.partnershipId}/shares`, ok), 403, 'forbidden');
    expectError(await s.guest.admin.post(`/partnerships/${s.partnershipId}/shares`, ok), 403, 'forbidden');
    expectError(await stranger.post(`/partnerships/${s.partnershipId}/shares`, ok), 404, 'not_found');
    expectError(await s.outsider.post(`/partnerships/${s.partnershipId}/shares`, ok), 404, 'not_found');

    const unregistered = 'nobody-at-all@example.com';
    const bad = await s.owner.post(
      `/partnerships/${s.partnershipId}/shares`,
      body([
        { email: emailOf(s.alice), role: 'collaborator' },
        { email: emailOf(s.host.admin), role: 'collaborator' },
        { email: unregistered, role: 'manager' },
        { email: emailOf(s.outsider), role: 'collaborator' },
      ]),
    );
    expectError(bad, 422, 'not_guest_member');
    expect(bad.body.error.details).toEqual([
      { index: 1, email: emailOf(s.host.admin), code: 'not_guest_member' },
      { index: 2, email: unregistered, code: 'not_guest_member' },
      { index: 3, email: emailOf(s.outsider), code: 'not_guest_member' },
    ]);
    const duplicate = await s.owner.post(
      `/partnerships/${s.partnershipId}/shares`,
      body([
        { email: emailOf(s.alice), role: 'collaborator' },
        { email: emailOf(s.alice).toUpperCase(), role: 'manager' },
      ]),
    );
    expectError(duplicate, 422, 'duplicate_member');

    const foreign = await s.outsider.post(`/workspaces/${(await s.outsider.get('/me')).body.workspace.workspaceId}/accounts`, {
      name: 'Theirs',
    });
    expect(foreign.status).toBe(201);
    expectError(
      await s.owner.post(
        `/partnerships/${s.partnershipId}/shares`,
        body([{ email: emailOf(s.alice), role: 'collaborator' }], foreign.body.accountId),
      ),
      404,
      'not_found',
    );
    expectError(
      await s.owner.post(
        `/partnerships/${s.partnershipId}/shares`,
        body([{ email: emailOf(s.alice), role: 'collaborator' }], `${s.host.workspaceId}-nosuchaccount`),
      ),
      404,
      'not_found',
    );

    for (const invalid of [
      body([]),
      body([{ email: emailOf(s.alice), role: 'owner' }]),
      body([{ email: 'not-an-email', role: 'collaborator' }]),
      { ...ok, extra: true },
      { members: ok.members },
      body(Array.from({ length: 21 }, (_, i) => ({ email: `m${i}@example.com`, role: 'collaborator' }))),
    ]) {
      expectError(await s.owner.post(`/partnerships/${s.partnershipId}/shares`, invalid), 400, 'validation_failed');
    }
    expect(await shares(s.owner, s)).toEqual([]);
    expect(await notificationsOf(s.alice, 'share.granted')).toEqual([]);
    expect((await actions({ kind: 'partnership', id: s.partnershipId })).some((e) => e.action.startsWith('share.'))).toBe(false);
    expect(await readItem(keys.sharingState(s.partnershipId))).toBeUndefined();

    // Not active: awaiting guest acceptance (the owner sees it: 409), and after removal.
    const w2 = await hostAndGuest();
    const pending = await adminRequest(w2);
    const account = await hostAccount(w2, w2.host.admin, 'Pending');
    expectError(
      await w2.host.admin.post(`/partnerships/${pending}/shares`, {
        accountId: account,
        members: [{ email: emailOf(w2.guest.member), role: 'collaborator' }],
      }),
      409,
      'invalid_state',
    );
    expect((await s.owner.delete(`/partnerships/${s.partnershipId}`)).status).toBe(200);
    expectError(await s.owner.post(`/partnerships/${s.partnershipId}/shares`, ok), 409, 'invalid_state');
  });
});

describe('logins', () => {
  it('creator, host Owner/Admins and guests with a live share log in (15 min); others 403/404; every login and refusal is logged', async () => {
    const s = await sharingWorld();
    const colleague = await s.host.join('colleague', 'member');
    await share(s, s.accountId, [[s.alice, 'collaborator']]);
    const grants: Array<{ grantId: string; expiresAt: string }> = [];
    for (const api of [s.host.member, s.host.owner, s.host.admin, s.alice]) {
      // The grant's clock is read while the request is handled: its expiry lies 15 min after a moment
      // between sending and receiving (bracketed per request, so no timing is assumed).
      const sentAt = Date.now();
      const granted = await login(api, s.accountId);
      const receivedAt = Date.now();
      expect(granted.status, JSON.stringify(granted.body)).toBe(201);
      expect(granted.body).toMatchObject({ accountId: s.accountId, loginUrl: 'https://crm.example.com/login' });
      expect(typeof granted.body.grantId).toBe('string');
      const expiresAt = Date.parse(granted.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(sentAt + 15 * 60_000);
      expect(expiresAt).toBeLessThanOrEqual(receivedAt + 15 * 60_000);
      grants.push({ grantId: granted.body.grantId, expiresAt: granted.body.expiresAt });
    }
    expect((await login(s.alice, s.accountId)).body.via).toBe('share');
    expectError(await login(colleague, s.accountId), 403, 'forbidden');
    expectError(await login(s.bob, s.accountId), 404, 'not_found');
    expectError(await login(s.guest.owner, s.accountId), 404, 'not_found');
    expectError(await login(s.outsider, s.accountId), 404, 'not_found');
    expectError(await login(s.alice, `${s.host.workspaceId}-unknown`), 404, 'not_found');
    expectError(await login(s.alice, 'no-such-account'), 404, 'not_found');
    expectError(await s.alice.post(`/accounts/${s.accountId}/logins`, { extra: 1 }), 400, 'validation_failed');

    const hostLog = await actions({ kind: 'workspace', id: s.host.workspaceId });
    const logins = hostLog.filter((e) => e.action === 'account.login');
    expect(logins.map((e) => e.actorId).sort()).toEqual(
      [uid(s.host.member), uid(s.host.owner), uid(s.host.admin), uid(s.alice), uid(s.alice)].sort(),
    );
    // Each grant is logged with its expiry, exactly 15 min after the moment the grant was made.
    for (const { grantId, expiresAt } of grants) {
      const entry = logins.find((e) => e.data?.grantId === grantId);
      expect(entry?.data?.expiresAt).toBe(expiresAt);
      expect(Date.parse(expiresAt) - Date.parse(entry!.at)).toBe(15 * 60_000);
    }
    const refused = hostLog.filter((e) => e.action === 'account.login_refused');
    expect(refused.map((e) => [e.actorId, e.data?.status]).sort()).toEqual(
      [
        [uid(colleague), 403],
        [uid(s.bob), 404],
        [uid(s.guest.owner), 404],
        [uid(s.outsider), 404],
      ].sort(),
    );
    expect(refused.every((e) => e.target.id === s.accountId)).toBe(true);
    // Guest logins (and refusals of guests of the partnership) show in the partnership's log; guest logins in the guest's.
    const psLog = await actions({ kind: 'partnership', id: s.partnershipId });
    expect(psLog.filter((e) => e.action === 'account.login').map((e) => e.actorId)).toEqual([uid(s.alice), uid(s.alice)]);
    expect(
      psLog
        .filter((e) => e.action === 'account.login_refused')
        .map((e) => e.actorId)
        .sort(),
    ).toEqual([uid(s.bob), uid(s.guest.owner)].sort());
    expect((await actions({ kind: 'workspace', id: s.guest.workspaceId })).filter((e) => e.action === 'account.login')).toHaveLength(2);
  });

  it('access is lost at once: share revocation, guest-member removal, workspace removal, partnership removal', async () => {
    const s = await sharingWorld();
    const carol = await s.guest.join('carol', 'member');
    const wiki = await hostAccount(s, s.owner, 'Wiki');
    await share(s, s.accountId, [
      [s.alice, 'collaborator'],
      [s.bob, 'manager'],
      [carol, 'collaborator'],
    ]);
    await share(s, wiki, [
      [s.alice, 'collaborator'],
      [s.bob, 'collaborator'],
    ]);
    for (const api of [s.alice, s.bob, carol]) expect((await login(api, s.accountId)).status).toBe(201);

    // Revoking the account's shares: at once for everyone on it; the other account still works.
    expectError(await s.guest.admin.delete(`/partnerships/${s.partnershipId}/shares/${s.accountId}`), 403, 'forbidden');
    expect((await s.host.admin.delete(`/partnerships/${s.partnershipId}/shares/${s.accountId}`)).status).toBe(204);
    for (const api of [s.alice, s.bob, carol]) expectError(await login(api, s.accountId), 404, 'not_found');
    expect((await login(s.alice, wiki)).status).toBe(201);
    expectError(await s.owner.delete(`/partnerships/${s.partnershipId}/shares/${s.accountId}`), 404, 'not_found');
    expect((await shares(s.owner, s)).map((x) => x.accountId)).toEqual([wiki]);
    // carol had only that share: she no longer sees the partnership.
    expectError(await carol.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');
    expect(await guestList(carol, s)).toEqual([]);
    expect(await guestList(s.alice, s)).toEqual([s.partnershipId]);

    // Removing a guest member: all their shares at once; others keep theirs.
    expectError(await s.host.admin.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`), 403, 'forbidden');
    expect((await s.guest.admin.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`)).status).toBe(204);
    expectError(await login(s.alice, wiki), 404, 'not_found');
    expect((await login(s.bob, wiki)).status).toBe(201);
    expectError(await s.alice.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');
    expect(await guestList(s.alice, s)).toEqual([]);
    expect((await shares(s.owner, s))[0].members.map((m: any) => m.userId)).toEqual([uid(s.bob)]);
    expect(await notificationsOf(s.alice, 'share.access_removed')).toHaveLength(1);
    expectError(await s.guest.admin.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`), 404, 'not_found');
    // Shared again later: a fresh grant works (the removal does not stick to new shares).
    await share(s, wiki, [[s.alice, 'collaborator']]);
    expect((await login(s.alice, wiki)).status).toBe(201);

    // Leaving the guest workspace ends access too, and rejoining does not revive it.
    expect((await s.guest.owner.delete(`/workspaces/${s.guest.workspaceId}/members/${uid(s.bob)}`)).status).toBe(204);
    expectError(await login(s.bob, wiki), 404, 'not_found');
    expect((await s.guest.owner.post(`/workspaces/${s.guest.workspaceId}/members`, { email: emailOf(s.bob) })).status).toBe(201);
    expectError(await login(s.bob, wiki), 404, 'not_found');

    // Removing the partnership revokes every share at once (one marker in the removal's transaction).
    expect((await s.guest.owner.delete(`/partnerships/${s.partnershipId}`)).status).toBe(200);
    expectError(await login(s.alice, wiki), 404, 'not_found');
    expect((await login(s.owner, wiki)).status).toBe(201);
    expect(await readItem(keys.sharingState(s.partnershipId))).toMatchObject({ revokedBy: uid(s.guest.owner) });
    expect(await shares(s.owner, s)).toEqual([]);
    expectError(await s.alice.get(`/partnerships/${s.partnershipId}`), 404, 'not_found');
    expect(await guestList(s.alice, s)).toEqual([]);
    expectError(await s.owner.delete(`/partnerships/${s.partnershipId}/shares/${wiki}`), 409, 'invalid_state');
    expectError(await s.guest.admin.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`), 409, 'invalid_state');
  });

  it('a guest member may leave the partnership; others outside 404', async () => {
    const s = await sharingWorld();
    await share(s, s.accountId, [[s.alice, 'collaborator']]);
    expectError(await s.bob.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`), 404, 'not_found');
    expectError(await s.outsider.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`), 404, 'not_found');
    expect((await s.alice.delete(`/partnerships/${s.partnershipId}/guest-members/${uid(s.alice)}`)).status).toBe(204);
    expectError(await login(s.alice, s.accountId), 404, 'not_found');
    expect(await notificationsOf(s.alice, 'share.access_removed')).toHaveLength(0);
    const log = await actions({ kind: 'partnership', id: s.partnershipId });
    expect(log.map((e) => e.action).slice(0, 2)).toEqual(['account.login_refused', 'share.guest_member_left']);
    expect(log[1]).toMatchObject({ actorId: uid(s.alice), target: { type: 'user', id: uid(s.alice) }, data: { revokedShares: 1 } });
  });
});

describe('races', () => {
  it('concurrent sharing writes of one partnership land or fail whole (409 after bounded retries); concurrent decisions: one wins, the other 409', async () => {
    const s = await sharingWorld();
    const accounts = [
      s.accountId,
      await hostAccount(s, s.owner, 'A2'),
      await hostAccount(s, s.owner, 'A3'),
      await hostAccount(s, s.owner, 'A4'),
    ];
    const managerOf = (i: number) => (i % 2 ? s.bob : s.alice);
    const results = await Promise.all(
      accounts.map((accountId, i) =>
        s.owner.post(`/partnerships/${s.partnershipId}/shares`, {
          accountId,
          members: [{ email: emailOf(managerOf(i)), role: 'manager' }],
        }),
      ),
    );
    // The optimistic retries are bounded (and a transaction conflict can cancel both contenders), so
    // under load a writer may give up with 409 concurrent_update; it then changed nothing.
    for (const r of results) {
      if (r.status !== 201) expectError(r, 409, 'concurrent_update');
    }
    const landed = accounts.map((_, i) => i).filter((i) => results[i]!.status === 201);
    expect(landed.length).toBeGreaterThan(0);
    expect((await shares(s.owner, s)).map((x) => x.accountId)).toEqual(landed.map((i) => accounts[i]));
    const expectedCounts: Record<string, number> = {};
    for (const i of landed) expectedCounts[uid(managerOf(i))] = (expectedCounts[uid(managerOf(i))] ?? 0) + 1;
    const state = await readItem(keys.sharingState(s.partnershipId));
    expect(state).toMatchObject({ seq: landed.length });
    expect(state!.shareCounts).toEqual(expectedCounts);

    // A manager of a shared account asks for the other guest member; approve and decline race.
    const first = landed[0]!;
    const [requester, target] = [managerOf(first), managerOf(first + 1)];
    const requested = await requester.post(`/partnerships/${s.partnershipId}/access-requests`, {
      accountId: accounts[first],
      email: emailOf(target),
      role: 'collaborator',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const id = requested.body.accessRequestId;
    const decisions = await Promise.all([s.owner.post(`/access-requests/${id}/approve`), s.owner.post(`/access-requests/${id}/decline`)]);
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409]);
    const stored = await readItem(keys.accessRequest(id));
    expect(decisions.find((d) => d.status === 200)!.body.status).toBe(stored!.status);
    const targetOnFirst = (await shares(s.owner, s))[0].members.some((m: any) => m.userId === uid(target));
    expect(targetOnFirst).toBe(stored!.status === 'approved');
  });
});

describe('access requests', () => {
  it('manager requests -> owner approves -> the member logs in; decided twice 409', async () => {
    const s = await sharingWorld();
    await share(s, s.accountId, [
      [s.alice, 'collaborator'],
      [s.bob, 'manager'],
    ]);
    const carol = await s.guest.join('carol', 'member');
    const path = `/partnerships/${s.partnershipId}/access-requests`;
    const ask = (api: Client, who: Client | string) =>
      api.post(path, { accountId: s.accountId, email: typeof who === 'string' ? who : emailOf(who), role: 'collaborator' });

    expectError(await ask(s.alice, carol), 403, 'forbidden');
    expectError(await ask(s.guest.admin, carol), 403, 'forbidden');
    expectError(await ask(s.owner, carol), 403, 'forbidden');
    expectError(await ask(carol, s.bob), 404, 'not_found');
    expectError(await ask(s.bob, s.host.admin), 422, 'not_guest_member');
    expectError(await ask(s.bob, 'nobody-here@example.com'), 422, 'not_guest_member');
    expectError(await ask(s.bob, s.alice), 409, 'already_shared');
    expectError(await s.bob.post(path, { accountId: s.accountId, email: emailOf(carol), role: 'manager' }), 400, 'validation_failed');
    expectError(
      await s.bob.post(path, { accountId: `${s.host.workspaceId}-other`, email: emailOf(carol), role: 'collaborator' }),
      404,
      'not_found',
    );
    expect(await notificationsOf(s.owner, 'access_request.created')).toEqual([]);

    const created = await ask(s.bob, carol);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const requestId = created.body.accessRequestId as string;
    expect(created.body).toMatchObject({
      partnershipId: s.partnershipId,
      accountId: s.accountId,
      userId: uid(carol),
      role: 'collaborator',
      status: 'pending',
      requestedBy: uid(s.bob),
    });
    expect(await notificationsOf(s.owner, 'access_request.created')).toMatchObject([
      { data: { accessRequestId: requestId, email: emailOf(carol) } },
    ]);
    expectError(await login(carol, s.accountId), 404, 'not_found');

    // Lists: owners see it; bob (requester) and carol (target) too; alice not.
    expect((await s.owner.get(`${path}?status=pending`)).body.items.map((r: any) => r.accessRequestId)).toEqual([requestId]);
    expect((await s.bob.get(path)).body.items).toHaveLength(1);
    expect((await s.alice.get(path)).body.items).toHaveLength(0);
    expect((await s.owner.get(`${path}?status=approved`)).body.items).toHaveLength(0);

    // Decided by a Partnership Owner only.
    expectError(await s.host.admin.post(`/access-requests/${requestId}/approve`), 403, 'forbidden');
    expectError(await s.guest.admin.post(`/access-requests/${requestId}/approve`), 403, 'forbidden');
    expectError(await s.bob.post(`/access-requests/${requestId}/approve`), 403, 'forbidden');
    expectError(await s.outsider.post(`/access-requests/${requestId}/approve`), 404, 'not_found');
    expectError(await s.owner.post(`/access-requests/${s.partnershipId}-nosuchrequest/approve`), 404, 'not_found');
    expectError(await s.owner.post('/access-requests/not_scoped/approve'), 404, 'not_found');

    const approved = await s.owner.post(`/access-requests/${requestId}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decision: { by: uid(s.owner) } });
    expect((await login(carol, s.accountId)).status).toBe(201);
    expect((await shares(s.owner, s))[0].members.find((m: any) => m.userId === uid(carol)).role).toBe('collaborator');
    expect(await notificationsOf(s.bob, 'access_request.approved')).toHaveLength(1);
    expect(await notificationsOf(carol, 'access_request.approved')).toHaveLength(1);
    expectError(await s.owner.post(`/access-requests/${requestId}/approve`), 409, 'invalid_state');
    expectError(await s.owner.post(`/access-requests/${requestId}/decline`), 409, 'invalid_state');

    const log = (await actions({ kind: 'partnership', id: s.partnershipId })).map((e) => e.action);
    // carol's refused login before the approval is logged too.
    expect(log.slice(0, 4)).toEqual(['account.login', 'access_request.approved', 'account.login_refused', 'access_request.created']);
  });

  it('decline (with reason): nothing shared, both told; approval keeps a manager a manager', async () => {
    const s = await sharingWorld();
    await share(s, s.accountId, [[s.bob, 'manager']]);
    const path = `/partnerships/${s.partnershipId}/access-requests`;
    const requested = await s.bob.post(path, { accountId: s.accountId, email: emailOf(s.alice), role: 'collaborator' });
    expect(requested.status).toBe(201);
    const id = requested.body.accessRequestId;
    expectError(await s.owner.post(`/access-requests/${id}/decline`, { reason: '' }), 400, 'validation_failed');
    const declined = await s.owner.post(`/access-requests/${id}/decline`, { reason: 'Not needed' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', decision: { by: uid(s.owner), reason: 'Not needed' } });
    expectError(await login(s.alice, s.accountId), 404, 'not_found');
    expect(await notificationsOf(s.bob, 'access_request.declined')).toMatchObject([{ data: { reason: 'Not needed' } }]);
    expect(await notificationsOf(s.alice, 'access_request.declined')).toHaveLength(1);
    expectError(await s.owner.post(`/access-requests/${id}/approve`), 409, 'invalid_state');

    // A request made while alice was not shared, approved after she became a manager: she stays manager.
    const second = (await s.bob.post(path, { accountId: s.accountId, email: emailOf(s.alice), role: 'collaborator' })).body.accessRequestId;
    await share(s, s.accountId, [[s.alice, 'manager']]);
    expect((await s.owner.post(`/access-requests/${second}/approve`)).status).toBe(200);
    expect((await shares(s.owner, s))[0].members.find((m: any) => m.userId === uid(s.alice)).role).toBe('manager');

    // Account no longer shared: approval refused (422), request stays pending.
    const third = (await s.alice.post(path, { accountId: s.accountId, email: emailOf(s.guest.member), role: 'collaborator' })).body
      .accessRequestId;
    expect((await s.owner.delete(`/partnerships/${s.partnershipId}/shares/${s.accountId}`)).status).toBe(204);
    expectError(await s.owner.post(`/access-requests/${third}/approve`), 422, 'account_not_shared');
    expect((await s.owner.get(`${path}?status=pending`)).body.items.map((r: any) => r.accessRequestId)).toEqual([third]);
  });
});

describe('activity', () => {
  it('partnership activity: owners, host and guest Owner/Admins only; newest first, paged; the guest side does not see the host stage', async () => {
    const s = await sharingWorld();
    await share(s, s.accountId, [[s.alice, 'collaborator']]);
    await login(s.alice, s.accountId);
    const path = `/partnerships/${s.partnershipId}/activity`;
    const hostView = await s.owner.get(path);
    expect(hostView.status).toBe(200);
    expect(hostView.body.items.map((e: any) => e.action)).toEqual([
      'account.login',
      'share.granted',
      'partnership.accepted',
      'partnership.approved',
      'partnership.requested',
    ]);
    expect(hostView.body.items[0]).toMatchObject({
      actorId: uid(s.alice),
      target: { type: 'account', id: s.accountId },
      data: { via: 'share' },
    });
    expect(typeof hostView.body.items[0].activityId).toBe('string');
    expect((await s.host.admin.get(path)).body.items).toHaveLength(5);
    expect((await s.host.owner.get(path)).status).toBe(200);
    const guestView = await s.guest.admin.get(path);
    expect(guestView.body.items.map((e: any) => e.action)).toEqual(['account.login', 'share.granted', 'partnership.accepted']);
    expect((await s.guest.owner.get(path)).status).toBe(200);
    expectError(await s.alice.get(path), 403, 'forbidden');
    expectError(await s.guest.member.get(path), 404, 'not_found');
    expectError(await (await s.host.join('plain', 'member')).get(path), 404, 'not_found');
    expectError(await s.outsider.get(path), 404, 'not_found');

    // Pages: limit and cursor, no overlap; a cursor of another list is refused.
    const first = await s.owner.get(`${path}?limit=2`);
    expect(first.body.items).toHaveLength(2);
    const second = await s.owner.get(`${path}?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    const third = await s.owner.get(`${path}?limit=2&cursor=${encodeURIComponent(second.body.nextCursor)}`);
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((e: any) => e.activityId)).toEqual(
      hostView.body.items.map((e: any) => e.activityId),
    );
    expectError(
      await s.host.owner.get(`/workspaces/${s.host.workspaceId}/activity?cursor=${encodeURIComponent(first.body.nextCursor)}`),
      400,
      'validation_failed',
    );
    expectError(await s.owner.get(`${path}?limit=0`), 400, 'validation_failed');
    expectError(await s.owner.get(`${path}?limit=101`), 400, 'validation_failed');
  });

  it('workspace activity: Owner/Admins only, newest first, paged', async () => {
    const s = await sharingWorld();
    const path = `/workspaces/${s.host.workspaceId}/activity`;
    const all = await s.host.admin.get(`${path}?limit=100`);
    expect(all.status).toBe(200);
    expect(all.body.items[0]).toMatchObject({
      action: 'account.created',
      actorId: uid(s.host.member),
      target: { type: 'account', id: s.accountId },
      data: { name: 'CRM' },
    });
    const ats = all.body.items.map((e: any) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(all.body.items.map((e: any) => e.action)).toContain('workspace.created');
    const page = await s.host.owner.get(`${path}?limit=3`);
    expect(page.body.items.map((e: any) => e.activityId)).toEqual(all.body.items.slice(0, 3).map((e: any) => e.activityId));
    const next = await s.host.owner.get(`${path}?limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(next.body.items.map((e: any) => e.activityId)).toEqual(all.body.items.slice(3, 6).map((e: any) => e.activityId));
    expectError(await s.host.member.get(path), 403, 'forbidden');
    expectError(await s.guest.owner.get(path), 404, 'not_found');
    expectError(await s.outsider.get(path), 404, 'not_found');
    // The guest's own log shows the partnership from the guest stage on, not the host's.
    const guestLog = await s.guest.owner.get(`/workspaces/${s.guest.workspaceId}/activity?limit=100`);
    expect(guestLog.body.items.map((e: any) => e.action)).not.toContain('account.created');
    expect(guestLog.body.items.map((e: any) => e.action)).toContain('partnership.accepted');
  });
});
