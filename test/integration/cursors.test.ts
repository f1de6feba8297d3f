/**
 * SPEC §1 lists: cursors are opaque (encrypted and authenticated: nothing readable in them) and bound to
 * their list and their caller (another list's or another caller's cursor is 400 on `query.cursor`).
 */
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/api';
import { expectError } from '../support/errors';
import { newTeam, newWorkItem, staffedWorkspace } from '../support/world';

const cursorRefused = (response: ApiResponse) => {
  expectError(response, 400, 'validation_failed');
  expect(response.body.error.details).toEqual([{ field: 'query.cursor', issue: expect.any(String) }]);
};

async function world() {
  const ws = await staffedWorkspace('cur');
  const members = `/workspaces/${ws.workspaceId}/members`;
  const first = await ws.owner.get(`${members}?limit=1`);
  expect(first.status).toBe(200);
  const cursor: string = first.body.nextCursor;
  expect(cursor).toEqual(expect.any(String));
  return { ws, members, first, cursor };
}

describe('list cursors', () => {
  it('decode to nothing readable: no table key, no attribute name, no id', async () => {
    const { ws, cursor, first } = await world();
    const teamId = await newTeam(ws.owner, ws.workspaceId, 'Cursor team');
    for (const title of ['one', 'two']) await newWorkItem(ws.owner, teamId, title);
    const items = await ws.owner.get(`/teams/${teamId}/work-items?limit=1`);
    const cursors = [cursor, items.body.nextCursor as string];
    const ids = [ws.workspaceId, teamId, ws.owner.userId, ws.admin.userId, ws.member.userId, first.body.items[0].userId];
    for (const c of cursors) {
      expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = Buffer.from(c, 'base64url');
      for (const text of [decoded.toString('utf8'), decoded.toString('latin1')]) {
        for (const word of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'USER#', 'WS#', 'TEAM#', ...ids]) expect(text).not.toContain(word);
      }
    }
    // Two pages of the same list at once give different cursors (a fresh IV each time).
    expect((await ws.owner.get(`/workspaces/${ws.workspaceId}/members?limit=1`)).body.nextCursor).not.toBe(cursor);
  });

  it('work for their caller on their list: the next page follows', async () => {
    const { ws, members, first, cursor } = await world();
    const next = await ws.owner.get(`${members}?limit=1&cursor=${encodeURIComponent(cursor)}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].userId).not.toBe(first.body.items[0].userId);
  });

  it('are refused on another list: 400 on query.cursor', async () => {
    const { ws, cursor } = await world();
    const other = await staffedWorkspace('cur2');
    // Another workspace's member list (the caller's own workspace), another list of the same workspace.
    cursorRefused(await other.owner.get(`/workspaces/${other.workspaceId}/members?cursor=${encodeURIComponent(cursor)}`));
    cursorRefused(await ws.owner.get(`/workspaces/${ws.workspaceId}/accounts?cursor=${encodeURIComponent(cursor)}`));
    cursorRefused(await ws.owner.get(`/workspaces/${ws.workspaceId}/teams?cursor=${encodeURIComponent(cursor)}`));
  });

  it('are refused to another caller on the same list: 400 on query.cursor', async () => {
    const { ws, members, cursor } = await world();
    cursorRefused(await ws.admin.get(`${members}?limit=1&cursor=${encodeURIComponent(cursor)}`));
    cursorRefused(await ws.member.get(`${members}?limit=1&cursor=${encodeURIComponent(cursor)}`));
    // The owner's own cursor still works afterwards.
    expect((await ws.owner.get(`${members}?limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });

  it('an outsider with a cursor gets the 404 of the list, not the cursor check', async () => {
    const { members, cursor } = await world();
    const outsider = await staffedWorkspace('cur3');
    expectError(await outsider.owner.get(`${members}?cursor=${encodeURIComponent(cursor)}`), 404, 'not_found');
  });
});
