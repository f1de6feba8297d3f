import { describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { uid } from '../support/api';
import { expectError } from '../support/errors';
import { newMember, newWorkspace } from '../support/world';

async function teamWith() {
  const ws = await newWorkspace();
  const lead = await newMember(ws, 'member', 'lead');
  const mate = await newMember(ws, 'member', 'mate');
  const teamId = (await lead.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'private' })).body.teamId as string;
  await lead.post(`/teams/${teamId}/members`, { email: mate.email });
  return { ws, lead, mate, teamId };
}

describe('work items (SPEC §3)', () => {
  it('creates, lists and edits work items; assigns team members', async () => {
    const { ws, lead, mate, teamId } = await teamWith();
    const created = await lead.post(`/teams/${teamId}/work-items`, { title: 'Write spec', assigneeId: uid(mate) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ teamId, title: 'Write spec', status: 'todo', assigneeId: uid(mate), createdBy: uid(lead) });
    const id = created.body.workItemId;

    const patched = await mate.patch(`/work-items/${id}`, { status: 'doing', title: 'Write the spec' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'doing', title: 'Write the spec', assigneeId: uid(mate) });
    const unassigned = await mate.patch(`/work-items/${id}`, { assigneeId: null, status: 'done' });
    expect(unassigned.body).toMatchObject({ status: 'done', assigneeId: null });

    await lead.post(`/teams/${teamId}/work-items`, { title: 'Second' });
    const list = await mate.get(`/teams/${teamId}/work-items`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { title: string }) => w.title)).toEqual(['Write the spec', 'Second']);
    const page = await mate.get(`/teams/${teamId}/work-items?limit=1`);
    expect(page.body.items).toHaveLength(1);
    const next = await mate.get(`/teams/${teamId}/work-items?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(next.body.items[0].title).toBe('Second');
    // A cursor of another list is refused.
    expectError(await mate.get(`/teams/${teamId}/members?cursor=${encodeURIComponent(page.body.nextCursor)}`), 400, 'validation_failed');

    const log = await listActivity({ kind: 'workspace', id: ws.workspaceId }, { limit: 50 });
    expect(log.items.map((e) => e.action)).toEqual(expect.arrayContaining(['work_item.created', 'work_item.updated']));
  });

  it('refuses assignees outside the team (422) and bad input (400), changing nothing', async () => {
    const { ws, lead, teamId } = await teamWith();
    const colleague = await newMember(ws);
    expectError(await lead.post(`/teams/${teamId}/work-items`, { title: 'X', assigneeId: uid(colleague) }), 422, 'assignee_not_in_team');
    expectError(await lead.post(`/teams/${teamId}/work-items`, { title: 'X', assigneeId: 'ghost' }), 422, 'assignee_not_in_team');
    expectError(await lead.post(`/teams/${teamId}/work-items`, { title: '' }), 400, 'validation_failed');
    expectError(await lead.post(`/teams/${teamId}/work-items`, { title: 'X', status: 'done' }), 400, 'validation_failed');
    expect((await lead.get(`/teams/${teamId}/work-items`)).body.items).toEqual([]);

    const id = (await lead.post(`/teams/${teamId}/work-items`, { title: 'Y' })).body.workItemId;
    expectError(await lead.patch(`/work-items/${id}`, { status: 'blocked' }), 400, 'validation_failed');
    expectError(await lead.patch(`/work-items/${id}`, {}), 400, 'validation_failed');
    expectError(await lead.patch(`/work-items/${id}`, { assigneeId: uid(colleague) }), 422, 'assignee_not_in_team');
    expect((await lead.get(`/teams/${teamId}/work-items`)).body.items[0]).toMatchObject({ title: 'Y', status: 'todo', assigneeId: null });
  });

  it('hides work items from outsiders: 404 for unknown or foreign ids', async () => {
    const { ws, lead, teamId } = await teamWith();
    const id = (await lead.post(`/teams/${teamId}/work-items`, { title: 'Y' })).body.workItemId;
    const colleague = await newMember(ws);
    const other = await newWorkspace('other');
    expectError(await colleague.get(`/teams/${teamId}/work-items`), 404, 'not_found');
    expectError(await colleague.patch(`/work-items/${id}`, { status: 'done' }), 404, 'not_found');
    expectError(await other.owner.patch(`/work-items/${id}`, { status: 'done' }), 404, 'not_found');
    expectError(await lead.patch(`/work-items/nonsense`, { status: 'done' }), 404, 'not_found');
    expectError(await lead.patch(`/work-items/${teamId}-missing`, { status: 'done' }), 404, 'not_found');
    expectError(await other.owner.post(`/teams/${teamId}/work-items`, { title: 'Z' }), 404, 'not_found');
    // A removed member loses access at once.
    const mate = await newMember(ws);
    await lead.post(`/teams/${teamId}/members`, { email: mate.email });
    expect((await mate.patch(`/work-items/${id}`, { status: 'doing' })).status).toBe(200);
    expect((await lead.delete(`/teams/${teamId}/members/${uid(mate)}`)).status).toBe(204);
    expectError(await mate.patch(`/work-items/${id}`, { status: 'done' }), 404, 'not_found');
    expectError(await mate.get(`/teams/${teamId}/work-items`), 404, 'not_found');
  });
});
