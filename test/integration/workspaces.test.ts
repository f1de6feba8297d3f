/** SPEC §2: workspaces, members, roles, ownership transfer and billing, with every refusal. */
import { describe, expect, it, vi } from 'vitest';
import { listActivity, listNotifications } from '../../shared/store/activity';
import { db } from '../../shared/store/client';
import { as, newActor, registered, send, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { newMember, newWorkspace } from '../support/world';

/** A workspace with one user of each role, plus a registered user in no workspace. */
async function workspaceWithRoles() {
  const ws = await newWorkspace('owner', 'Acme');
  const admin = await newMember(ws, 'admin', 'admin');
  const billing = await newMember(ws, 'billing_admin', 'billing');
  const member = await newMember(ws, 'member', 'member');
  const loner = await registered('loner');
  return { workspaceId: ws.workspaceId, owner: ws.owner, admin, billing, member, loner, base: `/workspaces/${ws.workspaceId}` };
}

/** Everything a §2 refusal could have changed, as seen by the owner. */
async function stateOf(owner: Client, workspaceId: string, others: Client[] = []) {
  const members = await owner.get(`/workspaces/${workspaceId}/members?limit=100`);
  const workspace = await owner.get(`/workspaces/${workspaceId}`);
  const billing = await owner.get(`/workspaces/${workspaceId}/billing`);
  const activity = await listActivity({ kind: 'workspace', id: workspaceId }, { limit: 100 });
  const me = await Promise.all([owner, ...others].map(async (api) => (await api.get('/me')).body));
  return { members: members.body, workspace: workspace.body, billing: billing.body, activity: activity.items.length, me };
}

describe('the walk-through of §2', () => {
  it('register two users, create a workspace, add a member, promote, transfer ownership, read billing as each role', async () => {
    const ada = await registered('ada');
    const bob = await registered('bob');

    const created = await ada.post('/workspaces', { name: '  Ada & Co  ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ada & Co', ownerId: uid(ada), role: 'owner' });
    const ws = created.body.workspaceId;
    expect(ws).toMatch(/^[A-Za-z0-9_-]+$/);

    const adaMe = await ada.get('/me');
    expect(adaMe.body.workspace).toEqual({ workspaceId: ws, name: 'Ada & Co', role: 'owner' });
    expect(adaMe.body.user).toMatchObject({ workspaceId: ws, role: 'owner' });

    const added = await ada.post(`/workspaces/${ws}/members`, { email: bob.email });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ userId: uid(bob), email: bob.email, name: 'bob', role: 'member' });
    expect((await bob.get('/me')).body.workspace).toEqual({ workspaceId: ws, name: 'Ada & Co', role: 'member' });

    const viewed = await bob.get(`/workspaces/${ws}`);
    expect(viewed.status).toBe(200);
    expect(viewed.body).toMatchObject({ workspaceId: ws, name: 'Ada & Co', ownerId: uid(ada), role: 'member' });

    const members = await bob.get(`/workspaces/${ws}/members`);
    expect(members.status).toBe(200);
    expect(members.body.nextCursor).toBeNull();
    expect(members.body.items.map((m: any) => [m.userId, m.role]).sort()).toEqual(
      [
        [uid(ada), 'owner'],
        [uid(bob), 'member'],
      ].sort(),
    );

    expectError(await bob.get(`/workspaces/${ws}/billing`), 403, 'forbidden');

    const promoted = await ada.patch(`/workspaces/${ws}/members/${uid(bob)}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ userId: uid(bob), role: 'admin' });
    expect((await bob.get(`/workspaces/${ws}/billing`)).status).toBe(200);

    const transferred = await ada.post(`/workspaces/${ws}/ownership-transfer`, { userId: uid(bob) });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ workspaceId: ws, ownerId: uid(bob), role: 'admin' });
    expect((await ada.get('/me')).body.workspace.role).toBe('admin');
    expect((await bob.get('/me')).body.workspace.role).toBe('owner');
    expect((await ada.get(`/workspaces/${ws}`)).body.ownerId).toBe(uid(bob));
    // The old owner is an admin now: may not transfer again.
    expectError(await ada.post(`/workspaces/${ws}/ownership-transfer`, { userId: uid(ada) }), 403, 'forbidden');

    // Billing as each role.
    const billingAdmin = await registered('carol');
    const member = await registered('dan');
    expect((await bob.post(`/workspaces/${ws}/members`, { email: billingAdmin.email, role: 'billing_admin' })).status).toBe(201);
    expect((await ada.post(`/workspaces/${ws}/members`, { email: member.email })).status).toBe(201);
    for (const api of [bob, ada, billingAdmin]) {
      const billing = await api.get(`/workspaces/${ws}/billing`);
      expect(billing.status).toBe(200);
      expect(billing.body).toMatchObject({ workspaceId: ws, plan: 'free', billingEmail: ada.email });
    }
    expectError(await member.get(`/workspaces/${ws}/billing`), 403, 'forbidden');
    expectError(await (await registered('eve')).get(`/workspaces/${ws}/billing`), 404, 'not_found');

    const activity = await listActivity({ kind: 'workspace', id: ws }, { limit: 100 });
    expect(activity.items.map((a) => a.action).reverse()).toEqual([
      'workspace.created',
      'workspace.member_added',
      'workspace.member_role_changed',
      'workspace.ownership_transferred',
      'workspace.member_added',
      'workspace.member_added',
    ]);
    const outbox = await listNotifications(bob.email, { limit: 10 });
    expect(outbox.items).toHaveLength(1);
    expect(outbox.items[0]).toMatchObject({ template: 'workspace.member_added', data: { workspaceId: ws, role: 'member' } });
  });
});

describe('POST /workspaces', () => {
  it('refuses a caller already in a workspace: 409 already_in_workspace', async () => {
    const { owner, member, workspaceId } = await workspaceWithRoles();
    expectError(await owner.post('/workspaces', { name: 'Second' }), 409, 'already_in_workspace');
    expectError(await member.post('/workspaces', { name: 'Mine' }), 409, 'already_in_workspace');
    expect((await member.get('/me')).body.workspace.workspaceId).toBe(workspaceId);
  });

  it('refuses an unregistered caller: 403 not_registered', async () => {
    expectError(await as(newActor()).post('/workspaces', { name: 'X' }), 403, 'not_registered');
  });

  it('of two concurrent creates by one user, exactly one wins', async () => {
    const api = await registered('racer');
    const results = await Promise.all([api.post('/workspaces', { name: 'One' }), api.post('/workspaces', { name: 'Two' })]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!;
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('already_in_workspace');
    expect((await api.get('/me')).body.workspace.workspaceId).toBe(winner.body.workspaceId);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error).not.toHaveProperty('stack');
  });
});

describe('GET /workspaces/{id}', () => {
  it('shows the workspace to each member with their role, and 404 to everyone else', async () => {
    const { workspaceId, base, owner, admin, billing, member, loner } = await workspaceWithRoles();
    for (const [api, role] of [
      [owner, 'owner'],
      [admin, 'admin'],
      [billing, 'billing_admin'],
      [member, 'member'],
    ] as const) {
      const response = await api.get(base);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ workspaceId, name: 'Acme', ownerId: uid(owner), role });
    }
    expectError(await loner.get(base), 404, 'not_found');
    const other = await registered('other');
    await other.post('/workspaces', { name: 'Other' });
    expectError(await other.get(base), 404, 'not_found');
    expectError(await owner.get('/workspaces/doesnotexist'), 404, 'not_found');
    expectError(await as(newActor()).get(base), 403, 'not_registered');
  });
});

describe('GET /workspaces/{id}/members', () => {
  it('pages through the members with limit and cursor', async () => {
    const { base, owner, admin, billing, member } = await workspaceWithRoles();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { status: number; body: any } = await member.get(
        `${base}/members?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...response.body.items.map((m: any) => m.userId));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual([owner, admin, billing, member].map(uid).sort());
    const all = await owner.get(`${base}/members`);
    expect(all.body.items).toHaveLength(4);
    expect(all.body.nextCursor).toBeNull();
    for (const item of all.body.items) expect(Object.keys(item).sort()).toEqual(['email', 'joinedAt', 'name', 'role', 'userId']);
  });

  it('is 404 for non-members', async () => {
    const { base, loner } = await workspaceWithRoles();
    expectError(await loner.get(`${base}/members`), 404, 'not_found');
  });

  it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], ['1e2'], ['']])('refuses limit=%s with 400', async (limit) => {
    const { base, owner } = await workspaceWithRoles();
    const response = await owner.get(`${base}/members?limit=${limit}`);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details.map((d: any) => d.field)).toContain('query.limit');
  });

  it('refuses unknown query parameters, tampered cursors and a cursor of another workspace with 400', async () => {
    const first = await workspaceWithRoles();
    const second = await workspaceWithRoles();
    expectError(await first.owner.get(`${first.base}/members?sort=name`), 400, 'validation_failed');
    const page = await first.owner.get(`${first.base}/members?limit=1`);
    const cursor: string = page.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const bytes = Buffer.from(cursor, 'base64url');
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] ?? 0) ^ 1;
      return copy.toString('base64url');
    };
    const tampered = [
      `${cursor}x`,
      flipped(Math.floor(bytes.length / 2)),
      flipped(bytes.length - 1),
      cursor.slice(0, -4),
      'garbage',
      Buffer.from('{"pk":"USER#x"}').toString('base64url'),
      `${cursor}.${cursor}`,
      'x'.repeat(3000),
    ];
    for (const bad of tampered) {
      expectError(await first.owner.get(`${first.base}/members?cursor=${encodeURIComponent(bad)}`), 400, 'validation_failed');
    }
    // A cursor of one workspace's member list replayed on another's.
    expectError(await second.owner.get(`${second.base}/members?limit=1&cursor=${encodeURIComponent(cursor)}`), 400, 'validation_failed');
  });
});

describe('POST /workspaces/{id}/members', () => {
  it('lets Owner and Admin add registered users in no workspace, with a role (member by default)', async () => {
    const { workspaceId, base, owner, admin } = await workspaceWithRoles();
    const a = await registered('a');
    const b = await registered('b');
    const byAdmin = await admin.post(`${base}/members`, { email: a.email.toUpperCase() });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ userId: uid(a), role: 'member' });
    const asAdmin = await owner.post(`${base}/members`, { email: b.email, role: 'admin' });
    expect(asAdmin.status).toBe(201);
    expect((await b.get('/me')).body.workspace).toEqual({ workspaceId, name: 'Acme', role: 'admin' });
  });

  it('refuses members without the role (403), outsiders (404), unregistered e-mails (422), users in a workspace (409)', async () => {
    const { workspaceId, base, owner, admin, billing, member, loner } = await workspaceWithRoles();
    const other = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [loner]);

    expectError(await member.post(`${base}/members`, { email: loner.email }), 403, 'forbidden');
    expectError(await billing.post(`${base}/members`, { email: loner.email }), 403, 'forbidden');
    expectError(await other.owner.post(`${base}/members`, { email: loner.email }), 404, 'not_found');
    expectError(await loner.post(`${base}/members`, { email: loner.email }), 404, 'not_found');
    expectError(await owner.post(`${base}/members`, { email: 'nobody-here@example.com' }), 422, 'user_not_registered');
    expectError(await owner.post(`${base}/members`, { email: other.member.email }), 409, 'already_in_workspace');
    expectError(await owner.post(`${base}/members`, { email: member.email }), 409, 'already_member');
    expectError(await admin.post(`${base}/members`, { email: admin.email }), 409, 'already_member');
    expectError(await owner.post(`${base}/members`, { email: loner.email, role: 'owner' }), 400, 'validation_failed');
    expectError(await owner.post('/workspaces/nosuchworkspace/members', { email: loner.email }), 404, 'not_found');

    expect(await stateOf(owner, workspaceId, [loner])).toEqual(before);
    expect((await other.member.get('/me')).body.workspace.workspaceId).toBe(other.workspaceId);
  });

  it('of two workspaces adding the same user at once, exactly one wins', async () => {
    const first = await workspaceWithRoles();
    const second = await workspaceWithRoles();
    const target = await registered('wanted');
    const results = await Promise.all([
      first.owner.post(`${first.base}/members`, { email: target.email }),
      second.owner.post(`${second.base}/members`, { email: target.email }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('already_in_workspace');
    const winner = results[0].status === 201 ? first : second;
    const loser = winner === first ? second : first;
    expect((await target.get('/me')).body.workspace.workspaceId).toBe(winner.workspaceId);
    const loserMembers = await loser.owner.get(`${loser.base}/members?limit=100`);
    expect(loserMembers.body.items.map((m: any) => m.userId)).not.toContain(uid(target));
  });
});

describe('PATCH /workspaces/{id}/members/{userId}', () => {
  it('lets Owner and Admin change roles of anyone but the Owner', async () => {
    const { base, owner, admin, billing, member } = await workspaceWithRoles();
    expect((await admin.patch(`${base}/members/${uid(member)}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await member.get('/me')).body.workspace.role).toBe('admin');
    // The promoted admin demotes another admin.
    expect((await member.patch(`${base}/members/${uid(admin)}`, { role: 'member' })).body.role).toBe('member');
    expect((await owner.patch(`${base}/members/${uid(billing)}`, { role: 'member' })).body.role).toBe('member');
    // An admin may step down.
    expect((await member.patch(`${base}/members/${uid(member)}`, { role: 'billing_admin' })).body.role).toBe('billing_admin');
    const roles = (await owner.get(`${base}/members`)).body.items.map((m: any) => [m.userId, m.role]).sort();
    expect(roles).toEqual(
      [
        [uid(owner), 'owner'],
        [uid(admin), 'member'],
        [uid(billing), 'member'],
        [uid(member), 'billing_admin'],
      ].sort(),
    );
  });

  it('answers 200 without a change when the role is already the one asked', async () => {
    const { workspaceId, base, owner, admin } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId);
    const response = await owner.patch(`${base}/members/${uid(admin)}`, { role: 'admin' });
    expect(response.status).toBe(200);
    expect(response.body.role).toBe('admin');
    expect(await stateOf(owner, workspaceId)).toEqual(before);
  });

  it("refuses every change of the Owner's role, others without the role, and unknown members", async () => {
    const { workspaceId, base, owner, admin, billing, member, loner } = await workspaceWithRoles();
    const other = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [admin, member, loner]);

    expectError(await admin.patch(`${base}/members/${uid(owner)}`, { role: 'member' }), 422, 'owner_role_unchangeable');
    expectError(await owner.patch(`${base}/members/${uid(owner)}`, { role: 'admin' }), 422, 'owner_role_unchangeable');
    expectError(await admin.patch(`${base}/members/${uid(member)}`, { role: 'owner' }), 400, 'validation_failed');
    expectError(await owner.patch(`${base}/members/${uid(admin)}`, { role: 'owner' }), 400, 'validation_failed');
    expectError(await member.patch(`${base}/members/${uid(member)}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await billing.patch(`${base}/members/${uid(member)}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await other.owner.patch(`${base}/members/${uid(member)}`, { role: 'admin' }), 404, 'not_found');
    expectError(await owner.patch(`${base}/members/${uid(loner)}`, { role: 'admin' }), 404, 'not_found');
    expectError(await owner.patch(`${base}/members/${uid(other.member)}`, { role: 'admin' }), 404, 'not_found');
    expectError(await owner.patch(`${base}/members/nosuchuser`, { role: 'admin' }), 404, 'not_found');

    expect(await stateOf(owner, workspaceId, [admin, member, loner])).toEqual(before);
    expect((await other.member.get('/me')).body.workspace.role).toBe('member');
  });
});

describe('DELETE /workspaces/{id}/members/{userId}', () => {
  it('lets Owner/Admin remove members; the removed user is in no workspace and may start over', async () => {
    const { base, owner, admin, billing, member } = await workspaceWithRoles();
    const removed = await admin.delete(`${base}/members/${uid(member)}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();
    expect((await member.get('/me')).body.workspace).toBeNull();
    expect((await member.get('/me')).body.user).toMatchObject({ workspaceId: null, role: null });
    expectError(await member.get(base), 404, 'not_found');
    expect((await owner.delete(`${base}/members/${uid(admin)}`)).status).toBe(204);
    const left = (await owner.get(`${base}/members`)).body.items.map((m: any) => m.userId).sort();
    expect(left).toEqual([uid(owner), uid(billing)].sort());
    // Free to be added elsewhere or to create a workspace.
    expect((await member.post('/workspaces', { name: 'Fresh start' })).status).toBe(201);
    expect(
      (await member.post(`/workspaces/${(await member.get('/me')).body.workspace.workspaceId}/members`, { email: admin.email })).status,
    ).toBe(201);
  });

  it('lets any member but the Owner leave', async () => {
    const { base, owner, billing, member } = await workspaceWithRoles();
    expect((await member.delete(`${base}/members/${uid(member)}`)).status).toBe(204);
    expect((await billing.delete(`${base}/members/${uid(billing)}`)).status).toBe(204);
    expect((await owner.get(`${base}/members`)).body.items).toHaveLength(2);
  });

  it('refuses to remove the Owner, members removing others, outsiders and unknown members', async () => {
    const { workspaceId, base, owner, admin, billing, member, loner } = await workspaceWithRoles();
    const other = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [admin, member]);

    expectError(await admin.delete(`${base}/members/${uid(owner)}`), 422, 'owner_cannot_be_removed');
    expectError(await owner.delete(`${base}/members/${uid(owner)}`), 422, 'owner_cannot_be_removed');
    expectError(await member.delete(`${base}/members/${uid(admin)}`), 403, 'forbidden');
    expectError(await billing.delete(`${base}/members/${uid(member)}`), 403, 'forbidden');
    expectError(await member.delete(`${base}/members/${uid(owner)}`), 403, 'forbidden');
    expectError(await other.owner.delete(`${base}/members/${uid(member)}`), 404, 'not_found');
    expectError(await loner.delete(`${base}/members/${uid(loner)}`), 404, 'not_found');
    expectError(await owner.delete(`${base}/members/${uid(loner)}`), 404, 'not_found');
    expectError(await owner.delete(`${base}/members/${uid(other.member)}`), 404, 'not_found');
    expectError(await owner.delete(`${base}/members/nosuchuser`), 404, 'not_found');

    expect(await stateOf(owner, workspaceId, [admin, member])).toEqual(before);
    expect((await other.member.get('/me')).body.workspace.workspaceId).toBe(other.workspaceId);
  });
});

describe('POST /workspaces/{id}/ownership-transfer', () => {
  it('makes the target Owner and the old Owner Admin, in one step', async () => {
    const { workspaceId, base, owner, billing } = await workspaceWithRoles();
    const response = await owner.post(`${base}/ownership-transfer`, { userId: uid(billing) });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ workspaceId, ownerId: uid(billing), role: 'admin' });
    const roles = Object.fromEntries((await owner.get(`${base}/members`)).body.items.map((m: any) => [m.userId, m.role]));
    expect(roles[uid(owner)]).toBe('admin');
    expect(roles[uid(billing)]).toBe('owner');
    expect(Object.values(roles).filter((r) => r === 'owner')).toHaveLength(1);
    // The new Owner may now remove the old one, who is an Admin.
    expect((await billing.delete(`${base}/members/${uid(owner)}`)).status).toBe(204);
  });

  it('refuses everyone but the Owner, and targets that are not another member', async () => {
    const { workspaceId, base, owner, admin, billing, member, loner } = await workspaceWithRoles();
    const other = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [admin, member]);

    expectError(await admin.post(`${base}/ownership-transfer`, { userId: uid(admin) }), 403, 'forbidden');
    expectError(await billing.post(`${base}/ownership-transfer`, { userId: uid(member) }), 403, 'forbidden');
    expectError(await member.post(`${base}/ownership-transfer`, { userId: uid(member) }), 403, 'forbidden');
    expectError(await other.owner.post(`${base}/ownership-transfer`, { userId: uid(other.member) }), 404, 'not_found');
    expectError(await loner.post(`${base}/ownership-transfer`, { userId: uid(loner) }), 404, 'not_found');
    expectError(await owner.post(`${base}/ownership-transfer`, { userId: uid(loner) }), 422, 'not_a_member');
    expectError(await owner.post(`${base}/ownership-transfer`, { userId: uid(other.member) }), 422, 'not_a_member');
    expectError(await owner.post(`${base}/ownership-transfer`, { userId: 'nosuchuser' }), 422, 'not_a_member');
    expectError(await owner.post(`${base}/ownership-transfer`, { userId: uid(owner) }), 422, 'already_owner');

    expect(await stateOf(owner, workspaceId, [admin, member])).toEqual(before);
  });
});

describe('GET|PUT /workspaces/{id}/billing', () => {
  it('lets Owner, Admin and Billing Admin read and replace the billing settings', async () => {
    const { workspaceId, base, owner, admin, billing } = await workspaceWithRoles();
    expect((await owner.get(`${base}/billing`)).body).toMatchObject({ plan: 'free', billingEmail: owner.email });
    const updated = await billing.put(`${base}/billing`, { plan: 'business', billingEmail: 'Invoices@Acme.example' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ workspaceId, plan: 'business', billingEmail: 'invoices@acme.example' });
    for (const api of [owner, admin, billing]) {
      expect((await api.get(`${base}/billing`)).body).toMatchObject({ plan: 'business', billingEmail: 'invoices@acme.example' });
    }
    expect((await admin.put(`${base}/billing`, { plan: 'enterprise', billingEmail: 'ap@acme.example' })).status).toBe(200);
    expect((await owner.put(`${base}/billing`, { plan: 'team', billingEmail: 'ap@acme.example' })).body.plan).toBe('team');
    const actions = (await listActivity({ kind: 'workspace', id: workspaceId }, { limit: 100 })).items.map((a) => a.action);
    expect(actions.filter((a) => a === 'workspace.billing_updated')).toHaveLength(3);
  });

  it('refuses members (403) and outsiders (404), and bad input (400), changing nothing', async () => {
    const { workspaceId, base, owner, member, loner } = await workspaceWithRoles();
    const other = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId);
    const body = { plan: 'team', billingEmail: 'x@example.com' };
    expectError(await member.get(`${base}/billing`), 403, 'forbidden');
    expectError(await member.put(`${base}/billing`, body), 403, 'forbidden');
    expectError(await loner.get(`${base}/billing`), 404, 'not_found');
    expectError(await loner.put(`${base}/billing`, body), 404, 'not_found');
    expectError(await other.owner.get(`${base}/billing`), 404, 'not_found');
    expectError(await other.owner.put(`${base}/billing`, body), 404, 'not_found');
    for (const bad of [
      { plan: 'gold', billingEmail: 'x@example.com' },
      { plan: 'team', billingEmail: 'not-an-email' },
      { plan: 'team' },
      { billingEmail: 'x@example.com' },
      { ...body, workspaceId },
      { plan: 1, billingEmail: 'x@example.com' },
      { plan: 'team', billingEmail: `${'x'.repeat(200_000)}@example.com` },
    ]) {
      expectError(await owner.put(`${base}/billing`, bad), 400, 'validation_failed');
    }
    expect(await stateOf(owner, workspaceId)).toEqual(before);
  });
});

describe('bad input on every route: 400 validation_failed, nothing changed', () => {
  const big = 'x'.repeat(200_000);

  it.each([
    ['malformed JSON', '{"name":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"Acme"'],
    ['wrong type', { name: 42 }],
    ['null name', { name: null }],
    ['missing name', {}],
    ['empty name', { name: '' }],
    ['blank name', { name: '   ' }],
    ['101-char name', { name: 'n'.repeat(101) }],
    ['200 KB name', { name: big }],
    ['unknown field role', { name: 'Acme', role: 'owner' }],
    ['unknown field workspaceId', { name: 'Acme', workspaceId: 'abc' }],
    ['unknown field ownerId', { name: 'Acme', ownerId: 'abc' }],
  ])('POST /workspaces: %s', async (_label, body) => {
    const api = await registered('bad');
    expectError(await api.post('/workspaces', body), 400, 'validation_failed');
    expect((await api.get('/me')).body.workspace).toBeNull();
  });

  it('POST /workspaces/{id}/members', async () => {
    const { workspaceId, base, owner, loner } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [loner]);
    const email = loner.email;
    for (const body of [
      '{"email":',
      { email: 42 },
      { email: '' },
      { email: 'not-an-email' },
      { email: `${big}@example.com` },
      { email, role: 'superuser' },
      { email, role: 'owner' },
      { email, role: 3 },
      { email, workspaceId: 'other' },
      { email, userId: 'x' },
      { emails: [email] },
      {},
    ]) {
      expectError(await owner.post(`${base}/members`, body), 400, 'validation_failed');
    }
    expect(await stateOf(owner, workspaceId, [loner])).toEqual(before);
  });

  it('PATCH /workspaces/{id}/members/{userId}', async () => {
    const { workspaceId, base, owner, member } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [member]);
    for (const body of [
      '{"role"',
      { role: 'owner' },
      { role: 'root' },
      { role: '' },
      { role: 1 },
      { role: big },
      {},
      { role: 'admin', workspaceId },
      { role: 'admin', userId: uid(owner) },
    ]) {
      expectError(await owner.patch(`${base}/members/${uid(member)}`, body), 400, 'validation_failed');
    }
    expect(await stateOf(owner, workspaceId, [member])).toEqual(before);
  });

  it('DELETE /workspaces/{id}/members/{userId} with a body', async () => {
    const { workspaceId, base, owner, member } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [member]);
    const response = await send({ actor: owner, method: 'DELETE', path: `${base}/members/${uid(member)}`, body: { force: true } });
    expectError(response, 400, 'validation_failed');
    expect(await stateOf(owner, workspaceId, [member])).toEqual(before);
  });

  it('POST /workspaces/{id}/ownership-transfer', async () => {
    const { workspaceId, base, owner, member } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [member]);
    for (const body of [
      '{',
      {},
      { userId: 5 },
      { userId: '' },
      { userId: '../x' },
      { userId: big },
      { userId: uid(member), role: 'owner' },
      { email: member.email },
    ]) {
      expectError(await owner.post(`${base}/ownership-transfer`, body), 400, 'validation_failed');
    }
    expect(await stateOf(owner, workspaceId, [member])).toEqual(before);
  });

  it('odd path ids on every workspace route', async () => {
    const { workspaceId, owner, member } = await workspaceWithRoles();
    const before = await stateOf(owner, workspaceId, [member]);
    const oddIds = ['..', 'a%20b', '%00', 'x'.repeat(65), 'ws%2Fother', '%E2%9C%93', "1'%20OR%20'1'='1"];
    for (const odd of oddIds) {
      const requests = [
        owner.get(`/workspaces/${odd}`),
        owner.get(`/workspaces/${odd}/members`),
        owner.post(`/workspaces/${odd}/members`, { email: 'a@example.com' }),
        owner.patch(`/workspaces/${odd}/members/${uid(member)}`, { role: 'admin' }),
        owner.patch(`/workspaces/${workspaceId}/members/${odd}`, { role: 'admin' }),
        owner.delete(`/workspaces/${odd}/members/${uid(member)}`),
        owner.delete(`/workspaces/${workspaceId}/members/${odd}`),
        owner.post(`/workspaces/${odd}/ownership-transfer`, { userId: uid(member) }),
        owner.get(`/workspaces/${odd}/billing`),
        owner.put(`/workspaces/${odd}/billing`, { plan: 'team', billingEmail: 'a@example.com' }),
      ];
      for (const response of await Promise.all(requests)) {
        expectError(response, 400, 'validation_failed');
        expect(response.body.error.details[0].field).toMatch(/^path\./);
      }
    }
    // A well-formed id of a workspace that does not exist (or is another tenant's) is a 404.
    expectError(await owner.get('/workspaces/0123456789abcdefghijklmnop'), 404, 'not_found');
    expect(await stateOf(owner, workspaceId, [member])).toEqual(before);
  });

  it('bodies on read routes are refused', async () => {
    const { base, owner } = await workspaceWithRoles();
    expectError(await send({ actor: owner, method: 'GET', path: base, body: { name: 'x' } }), 400, 'validation_failed');
  });
});

describe('Idempotency-Key on creating POSTs', () => {
  it('POST /workspaces: a retry returns the first response and creates nothing', async () => {
    const api = await registered('idem');
    const headers = { 'Idempotency-Key': 'create-ws-1' };
    const first = await api.post('/workspaces', { name: 'Once' }, headers);
    expect(first.status).toBe(201);
    const again = await api.post('/workspaces', { name: 'Once' }, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const ws = first.body.workspaceId;
    expect((await api.get('/me')).body.workspace.workspaceId).toBe(ws);
    const activity = await listActivity({ kind: 'workspace', id: ws }, { limit: 100 });
    expect(activity.items.filter((a) => a.action === 'workspace.created')).toHaveLength(1);
    // Without the key, the same request is a new attempt, refused because the caller now has a workspace.
    expectError(await api.post('/workspaces', { name: 'Once' }), 409, 'already_in_workspace');
  });

  it('the same key with another body is 422 idempotency_key_reused', async () => {
    const api = await registered('idem');
    const headers = { 'Idempotency-Key': 'create-ws-2' };
    expect((await api.post('/workspaces', { name: 'First' }, headers)).status).toBe(201);
    expectError(await api.post('/workspaces', { name: 'Second' }, headers), 422, 'idempotency_key_reused');
    expect((await api.get('/me')).body.workspace.name).toBe('First');
  });

  it('different callers using the same key do not collide', async () => {
    const a = await registered('idem-a');
    const b = await registered('idem-b');
    const headers = { 'Idempotency-Key': 'shared-key' };
    const first = await a.post('/workspaces', { name: 'Same' }, headers);
    const second = await b.post('/workspaces', { name: 'Same' }, headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.workspaceId).not.toBe(second.body.workspaceId);
    expect(second.body.ownerId).toBe(uid(b));
  });

  it('POST /workspaces/{id}/members: a retry adds once; the key is not shared with POST /workspaces', async () => {
    const { workspaceId, base, owner, loner } = await workspaceWithRoles();
    const headers = { 'Idempotency-Key': 'add-1' };
    const first = await owner.post(`${base}/members`, { email: loner.email }, headers);
    expect(first.status).toBe(201);
    const again = await owner.post(`${base}/members`, { email: loner.email }, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const added = (await listActivity({ kind: 'workspace', id: workspaceId }, { limit: 100 })).items.filter(
      (a) => a.action === 'workspace.member_added' && a.target.id === uid(loner),
    );
    expect(added).toHaveLength(1);
    expect((await listNotifications(loner.email, { limit: 10 })).items).toHaveLength(1);
    expectError(await owner.post(`${base}/members`, { email: 'someone@example.com' }, headers), 422, 'idempotency_key_reused');
  });

  it('refuses an over-long key with 400', async () => {
    const api = await registered('idem');
    expectError(await api.post('/workspaces', { name: 'X' }, { 'Idempotency-Key': 'k'.repeat(256) }), 400, 'validation_failed');
    expect((await api.get('/me')).body.workspace).toBeNull();
  });
});

describe('DynamoDB round trips per request', () => {
  it('reads take at most 2, writes at most 4', async () => {
    const { base, owner, admin, member } = await workspaceWithRoles();
    const newcomer = await registered('newcomer');
    const founder = await registered('founder');
    const dynamoSend = vi.spyOn(db(), 'send');
    const count = async (request: Promise<{ status: number }>, expectedStatus: number) => {
      dynamoSend.mockClear();
      expect((await request).status).toBe(expectedStatus);
      return dynamoSend.mock.calls.length;
    };
    try {
      expect(await count(member.get(base), 200)).toBe(1);
      expect(await count(member.get(`${base}/members?limit=2`), 200)).toBe(2);
      expect(await count(owner.get(`${base}/billing`), 200)).toBeLessThanOrEqual(2);
      expect(await count(member.get('/me'), 200)).toBeLessThanOrEqual(2);
      expect(await count(founder.post('/workspaces', { name: 'Counted' }), 201)).toBeLessThanOrEqual(4);
      expect(await count(owner.post(`${base}/members`, { email: newcomer.email }), 201)).toBeLessThanOrEqual(4);
      expect(await count(admin.patch(`${base}/members/${uid(newcomer)}`, { role: 'billing_admin' }), 200)).toBeLessThanOrEqual(4);
      expect(await count(owner.put(`${base}/billing`, { plan: 'team', billingEmail: 'b@example.com' }), 200)).toBeLessThanOrEqual(4);
      expect(await count(owner.post(`${base}/ownership-transfer`, { userId: uid(admin) }), 200)).toBeLessThanOrEqual(4);
      expect(await count(admin.delete(`${base}/members/${uid(newcomer)}`), 204)).toBeLessThanOrEqual(4);
      expect(dynamoSend.mock.calls.some(([command]) => command.constructor.name === 'ScanCommand')).toBe(false);
    } finally {
      dynamoSend.mockRestore();
    }
  });
});
