/**
 * Round trips per request (DESIGN.md): read routes at most 2 (the wrapper's BatchGet + one Query),
 * write routes at most 4 (batched reads + one TransactWriteItems). Counted at the document client;
 * calls made in parallel (Promise.all) are counted one by one, so the bound here is on calls.
 */
import { describe, expect, it } from 'vitest';
import { emailOf, uid } from '../support/api';
import { newMember, newWorkspace } from '../support/world';
import { countRoundTrips } from '../support/round-trips';

describe('DynamoDB round trips of the team routes', () => {
  it('stays within the read and write budgets', async () => {
    const host = await newWorkspace('host');
    const member = await newMember(host);
    const guest = await newWorkspace('guest');
    const g1 = await newMember(guest);
    const g2 = await newMember(guest);
    const teamId = (await member.post(`/workspaces/${host.workspaceId}/teams`, { name: 'T', visibility: 'private' })).body.teamId;
    await member.post(`/workspaces/${host.workspaceId}/teams`, { name: 'Open', visibility: 'open' });

    const reads: Array<[string, () => Promise<{ status: number }>]> = [
      ['list teams', () => member.get(`/workspaces/${host.workspaceId}/teams`)],
      ['get team', () => member.get(`/teams/${teamId}`)],
      ['list work items', () => member.get(`/teams/${teamId}/work-items`)],
      ['list members', () => member.get(`/teams/${teamId}/members`)],
      ['list partners', () => member.get(`/teams/${teamId}/partners`)],
      ['manage partners', () => host.owner.get(`/workspaces/${host.workspaceId}/partner-invitations?status=pending`)],
      ['GET /me', () => g1.get('/me')],
    ];
    for (const [label, run] of reads) {
      const { calls, result } = await countRoundTrips(run);
      expect(result.status, label).toBe(200);
      expect(calls.length, label).toBeGreaterThan(0);
      expect(calls.length, `${label}: ${calls.join(', ')}`).toBeLessThanOrEqual(2);
    }

    const invited = await countRoundTrips(() =>
      member.post(`/teams/${teamId}/partner-invitations`, {
        invitations: [
          { email: emailOf(g1), permission: 'edit' },
          { email: emailOf(g2), permission: 'view' },
        ],
      }),
    );
    expect(invited.result.status).toBe(201);
    // BatchGet (caller+team), BatchGet (e-mails + workspace: its admin directory), BatchGet invitees, TransactWrite.
    expect(invited.calls.length, invited.calls.join(', ')).toBeLessThanOrEqual(4);
    expect(invited.calls).not.toContain('QueryCommand');
    expect(invited.calls.filter((c) => c === 'TransactWriteCommand')).toHaveLength(1);

    const invitationId = (invited.result as any).body.items[0].invitationId;
    const approved = await countRoundTrips(() => host.owner.post(`/partner-invitations/${invitationId}/approve`));
    expect(approved.result.status).toBe(200);
    expect(approved.calls.length, approved.calls.join(', ')).toBeLessThanOrEqual(4);

    const created = await countRoundTrips(() => g1.post(`/teams/${teamId}/work-items`, { title: 'A', assigneeId: uid(member) }));
    expect(created.result.status).toBe(201);
    expect(created.calls.length, created.calls.join(', ')).toBeLessThanOrEqual(4);
    const workItemId = (created.result as any).body.workItemId;
    const patched = await countRoundTrips(() => member.patch(`/work-items/${workItemId}`, { assigneeId: uid(g1), status: 'doing' }));
    expect(patched.result.status).toBe(200);
    expect(patched.calls.length, patched.calls.join(', ')).toBeLessThanOrEqual(4);

    const colleague = await newMember(host);
    const added = await countRoundTrips(() => member.post(`/teams/${teamId}/members`, { email: emailOf(colleague) }));
    expect(added.result.status).toBe(201);
    expect(added.calls.length, added.calls.join(', ')).toBeLessThanOrEqual(4);
  });
});
