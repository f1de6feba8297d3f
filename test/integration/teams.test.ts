import { describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { registered, uid } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf } from '../support/table';
import { newMember, newWorkspace } from '../support/world';

describe('teams (SPEC §3)', () => {
  it('creates a team: the creator is its Owner; the change is logged', async () => {
    const ws = await newWorkspace();
    const member = await newMember(ws);
    const created = await member.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Design', visibility: 'private' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Design', visibility: 'private', workspaceId: ws.workspaceId, createdBy: uid(member) });
    const teamId = created.body.teamId;

    const members = await member.get(`/teams/${teamId}/members`);
    expect(members.status).toBe(200);
    expect(members.body.items).toEqual([expect.objectContaining({ userId: uid(member), role: 'owner' })]);
    const team = await member.get(`/teams/${teamId}`);
    expect(team.body.access).toMatchObject({ as: 'team_member', teamRole: 'owner' });

    const log = await listActivity({ kind: 'workspace', id: ws.workspaceId }, { limit: 50 });
    expect(log.items.map((e) => e.action)).toContain('team.created');
  });

  it('refuses teams in a workspace the caller is not in (404) and bad input (400)', async () => {
    const ws = await newWorkspace();
    const stranger = await registered('stranger');
    expectError(await stranger.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'X', visibility: 'open' }), 404, 'not_found');
    expectError(await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'X', visibility: 'secret' }), 400, 'validation_failed');
    expectError(
      await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'X', visibility: 'open', extra: 1 }),
      400,
      'validation_failed',
    );
    expectError(await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: '', visibility: 'open' }), 400, 'validation_failed');
    const list = await ws.owner.get(`/workspaces/${ws.workspaceId}/teams`);
    expect(list.body.items).toEqual([]);
  });

  it("lists open teams and the caller's private teams; Owner/Admin see all; outsiders 404", async () => {
    const ws = await newWorkspace();
    const alice = await newMember(ws, 'member', 'alice');
    const bob = await newMember(ws, 'member', 'bob');
    const admin = await newMember(ws, 'admin');
    const mk = async (api: typeof alice, name: string, visibility: string) =>
      (await api.post(`/workspaces/${ws.workspaceId}/teams`, { name, visibility })).body.teamId as string;
    const open = await mk(alice, 'Open', 'open');
    const alicePrivate = await mk(alice, 'Alice private', 'private');
    const bobPrivate = await mk(bob, 'Bob private', 'private');

    const names = async (api: typeof alice) => {
      const response = await api.get(`/workspaces/${ws.workspaceId}/teams`);
      expect(response.status).toBe(200);
      return response.body.items.map((t: { teamId: string }) => t.teamId).sort();
    };
    expect(await names(alice)).toEqual([open, alicePrivate].sort());
    expect(await names(bob)).toEqual([open, bobPrivate].sort());
    expect(await names(admin)).toEqual([open, alicePrivate, bobPrivate].sort());
    expect(await names(ws.owner)).toEqual([open, alicePrivate, bobPrivate].sort());

    // A private team is 404 to other members, visible to the Owner.
    expectError(await bob.get(`/teams/${alicePrivate}`), 404, 'not_found');
    expect((await ws.owner.get(`/teams/${alicePrivate}`)).status).toBe(200);

    // Paging: limit 1 walks through every visible team once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(
        `/workspaces/${ws.workspaceId}/teams?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((t: { teamId: string }) => t.teamId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([open, alicePrivate, bobPrivate].sort());

    const other = await newWorkspace('other');
    expectError(await other.owner.get(`/workspaces/${ws.workspaceId}/teams`), 404, 'not_found');
    expectError(await other.owner.get(`/teams/${open}`), 404, 'not_found');
  });

  it('joins open teams only, once', async () => {
    const ws = await newWorkspace();
    const creator = await newMember(ws);
    const joiner = await newMember(ws);
    const open = (await creator.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Open', visibility: 'open' })).body.teamId;
    const closed = (await creator.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Closed', visibility: 'private' })).body.teamId;

    // Before joining: the open team is visible but its work items are not.
    expectError(await joiner.get(`/teams/${open}/work-items`), 403, 'forbidden');
    const joined = await joiner.post(`/teams/${open}/join`);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ userId: uid(joiner), role: 'member' });
    expectError(await joiner.post(`/teams/${open}/join`), 409, 'already_member');
    expect((await joiner.get(`/teams/${open}/work-items`)).status).toBe(200);

    expectError(await joiner.post(`/teams/${closed}/join`), 404, 'not_found');
    // The Owner sees the private team but cannot join it: they are added.
    expectError(await ws.owner.post(`/teams/${closed}/join`), 422, 'team_not_open');
    const other = await newWorkspace('other');
    expectError(await other.owner.post(`/teams/${open}/join`), 404, 'not_found');
  });

  it('adds colleagues of the same workspace only', async () => {
    const ws = await newWorkspace();
    const lead = await newMember(ws);
    const colleague = await newMember(ws);
    const outsider = await newWorkspace('outsider');
    const unregistered = 'nobody@example.com';
    const teamId = (await lead.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'private' })).body.teamId;

    const added = await lead.post(`/teams/${teamId}/members`, { email: colleague.email.toUpperCase() });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ userId: uid(colleague), role: 'member' });
    expect((await notificationsOf(colleague)).map((n) => n.template)).toContain('team.member_added');
    expectError(await lead.post(`/teams/${teamId}/members`, { email: colleague.email }), 409, 'already_member');
    expectError(await lead.post(`/teams/${teamId}/members`, { email: outsider.owner.email }), 422, 'not_workspace_member');
    expectError(await lead.post(`/teams/${teamId}/members`, { email: unregistered }), 422, 'not_workspace_member');
    expectError(await lead.post(`/teams/${teamId}/members`, { email: 'not-an-email' }), 400, 'validation_failed');

    // A plain member may add colleagues too; a non-member of the private team gets 404.
    const third = await newMember(ws);
    expect((await colleague.post(`/teams/${teamId}/members`, { email: third.email })).status).toBe(201);
    const fourth = await newMember(ws);
    expectError(await fourth.post(`/teams/${teamId}/members`, { email: fourth.email }), 404, 'not_found');
  });

  it('changes roles and removes members (team Owner/Admin); a member may leave; the Owner stays', async () => {
    const ws = await newWorkspace();
    const owner = await newMember(ws);
    const a = await newMember(ws);
    const b = await newMember(ws);
    const teamId = (await owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'open' })).body.teamId;
    await a.post(`/teams/${teamId}/join`);
    await b.post(`/teams/${teamId}/join`);

    expectError(await a.patch(`/teams/${teamId}/members/${uid(b)}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await a.delete(`/teams/${teamId}/members/${uid(b)}`), 403, 'forbidden');
    const promoted = await owner.patch(`/teams/${teamId}/members/${uid(a)}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
    expectError(await a.patch(`/teams/${teamId}/members/${uid(owner)}`, { role: 'member' }), 422, 'team_owner_role_fixed');
    expectError(await a.patch(`/teams/${teamId}/members/${uid(b)}`, { role: 'owner' }), 400, 'validation_failed');
    expectError(await a.patch(`/teams/${teamId}/members/nobody`, { role: 'admin' }), 404, 'not_found');
    expectError(await a.delete(`/teams/${teamId}/members/${uid(owner)}`), 422, 'team_owner_cannot_be_removed');

    expect((await a.delete(`/teams/${teamId}/members/${uid(b)}`)).status).toBe(204);
    expectError(await b.get(`/teams/${teamId}/work-items`), 403, 'forbidden');
    expectError(await a.delete(`/teams/${teamId}/members/${uid(b)}`), 404, 'not_found');
    // Leaving.
    expect((await a.delete(`/teams/${teamId}/members/${uid(a)}`)).status).toBe(204);
    const members = await owner.get(`/teams/${teamId}/members`);
    expect(members.body.items.map((m: { userId: string }) => m.userId)).toEqual([uid(owner)]);
    // The workspace Admin manages members of every team.
    const wsAdmin = await newMember(ws, 'admin');
    await b.post(`/teams/${teamId}/join`);
    expect((await wsAdmin.patch(`/teams/${teamId}/members/${uid(b)}`, { role: 'admin' })).status).toBe(200);
  });

  it('a member who leaves the workspace loses their team rights at once', async () => {
    const ws = await newWorkspace();
    const lead = await newMember(ws);
    const leaver = await newMember(ws);
    const teamId = (await lead.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'private' })).body.teamId;
    await lead.post(`/teams/${teamId}/members`, { email: leaver.email });
    const item = (await leaver.post(`/teams/${teamId}/work-items`, { title: 'Mine', assigneeId: uid(leaver) })).body.workItemId;
    expect((await ws.owner.delete(`/workspaces/${ws.workspaceId}/members/${uid(leaver)}`)).status).toBe(204);
    expectError(await leaver.get(`/teams/${teamId}`), 404, 'not_found');
    expectError(await leaver.patch(`/work-items/${item}`, { status: 'done' }), 404, 'not_found');
    // Their stale team membership does not make them assignable.
    expectError(await lead.post(`/teams/${teamId}/work-items`, { title: 'X', assigneeId: uid(leaver) }), 422, 'assignee_not_in_team');
  });

  it('updates name and visibility (team Owner/Admin, workspace Owner/Admin only)', async () => {
    const ws = await newWorkspace();
    const owner = await newMember(ws);
    const member = await newMember(ws);
    const teamId = (await owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Old', visibility: 'open' })).body.teamId;
    await member.post(`/teams/${teamId}/join`);

    expectError(await member.patch(`/teams/${teamId}`, { name: 'Mine' }), 403, 'forbidden');
    expectError(await owner.patch(`/teams/${teamId}`, {}), 400, 'validation_failed');
    expectError(await owner.patch(`/teams/${teamId}`, { visibility: 'hidden' }), 400, 'validation_failed');
    const renamed = await owner.patch(`/teams/${teamId}`, { name: 'New', visibility: 'private' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'New', visibility: 'private' });
    expect((await ws.owner.patch(`/teams/${teamId}`, { name: 'By owner' })).body.name).toBe('By owner');

    // Now private: a workspace member outside it no longer sees it.
    const outsider = await newMember(ws);
    expectError(await outsider.get(`/teams/${teamId}`), 404, 'not_found');
    const list = await outsider.get(`/workspaces/${ws.workspaceId}/teams`);
    expect(list.body.items).toEqual([]);
    const listed = await member.get(`/workspaces/${ws.workspaceId}/teams`);
    expect(listed.body.items).toEqual([expect.objectContaining({ teamId, name: 'By owner', member: true })]);
  });
});
