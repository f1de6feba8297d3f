/**
 * SPEC §1 Idempotency-Key: a key belongs to one caller, one method and one path; a retry with the same
 * key and body answers the first status and body and changes nothing, on every creating POST (joins,
 * co-owners and logins included).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes';
import { listActivity } from '../../shared/store/activity';
import { as, registered, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { activePartnership, hostAndGuest, newAccount, newTeam, staffedWorkspace } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });
const key = () => ({ 'Idempotency-Key': `k-${randomUUID()}` });

describe('Idempotency-Key: one caller, one method, one path', () => {
  it("the same key and body on another team's path is 422 idempotency_key_reused, and creates nothing there", async () => {
    const ws = await staffedWorkspace('idem');
    const [t1, t2] = [await newTeam(ws.owner, ws.workspaceId, 'One'), await newTeam(ws.owner, ws.workspaceId, 'Two')];
    const headers = key();
    const body = { title: 'Write the plan' };
    const first = await ws.owner.post(`/teams/${t1}/work-items`, body, headers);
    expect(first.status).toBe(201);
    expect(first.body.teamId).toBe(t1);
    expectError(await ws.owner.post(`/teams/${t2}/work-items`, body, headers), 422, 'idempotency_key_reused');
    expect((await ws.owner.get(`/teams/${t2}/work-items`)).body.items).toEqual([]);
    // The first path still replays its own answer.
    const again = await ws.owner.post(`/teams/${t1}/work-items`, body, headers);
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    expect((await ws.owner.get(`/teams/${t1}/work-items`)).body.items).toHaveLength(1);
  });

  it('the same key on another route of the same caller is 422 too', async () => {
    const ws = await staffedWorkspace('idem');
    const headers = key();
    expect((await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'By key', visibility: 'open' }, headers)).status).toBe(201);
    expectError(await ws.owner.post(`/workspaces/${ws.workspaceId}/accounts`, { name: 'By key' }, headers), 422, 'idempotency_key_reused');
  });

  it('another caller with the same key on the same path runs their own request', async () => {
    const ws = await staffedWorkspace('idem');
    const headers = key();
    const mine = await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Mine', visibility: 'open' }, headers);
    const theirs = await ws.member.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'Mine', visibility: 'open' }, headers);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.teamId).not.toBe(mine.body.teamId);
    expect(theirs.body.createdBy).toBe(ws.member.userId);
  });
});

describe('a replay answers the first status and body on every creating POST', () => {
  it('every creating POST of the route table is idempotent', () => {
    const creating = routes.filter((r) => r.method === 'POST' && (r.successStatus ?? 200) === 201);
    expect(creating.filter((r) => !r.idempotent).map((r) => r.id)).toEqual([]);
  });

  it('POST /teams/{id}/join: the retry answers the first 201, not 409 already_member', async () => {
    const ws = await staffedWorkspace('idem');
    const teamId = await newTeam(ws.owner, ws.workspaceId, 'Open team', 'open');
    const headers = key();
    const first = await ws.member.post(`/teams/${teamId}/join`, {}, headers);
    expect(first.status).toBe(201);
    const again = await ws.member.post(`/teams/${teamId}/join`, {}, headers);
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    // Without the key it is a new attempt: already a member.
    expectError(await ws.member.post(`/teams/${teamId}/join`), 409, 'already_member');
    const joined = (await listActivity({ kind: 'workspace', id: ws.workspaceId }, { limit: 100 })).items.filter(
      (a) => a.action === 'team.member_joined',
    );
    expect(joined).toHaveLength(1);
  });

  it('POST /partnerships/{id}/owners: the retry answers the first 201 with the same owners', async () => {
    const w = await hostAndGuest();
    const partnershipId = await activePartnership(w, workflow);
    const coOwner = await w.host.join('coowner', 'member');
    const headers = key();
    const first = await w.host.member.post(`/partnerships/${partnershipId}/owners`, { userId: coOwner.userId }, headers);
    expect(first.status).toBe(201);
    const again = await w.host.member.post(`/partnerships/${partnershipId}/owners`, { userId: coOwner.userId }, headers);
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    expectError(await w.host.member.post(`/partnerships/${partnershipId}/owners`, { userId: coOwner.userId }), 409, 'already_owner');
    const added = (await listActivity({ kind: 'partnership', id: partnershipId }, { limit: 100 })).items.filter(
      (a) => a.action === 'partnership.owner_added',
    );
    expect(added).toHaveLength(1);
  });

  it('POST /accounts/{id}/logins: a retried login answers the same grant; a new one without the key', async () => {
    const ws = await staffedWorkspace('idem');
    const accountId = await newAccount(ws.owner, ws.workspaceId, 'CRM', 'https://crm.example.com/login');
    const headers = key();
    const first = await ws.owner.post(`/accounts/${accountId}/logins`, {}, headers);
    expect(first.status).toBe(201);
    const again = await ws.owner.post(`/accounts/${accountId}/logins`, {}, headers);
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    const other = await ws.owner.post(`/accounts/${accountId}/logins`);
    expect(other.status).toBe(201);
    expect(other.body.grantId).not.toBe(first.body.grantId);
    const logins = (await listActivity({ kind: 'workspace', id: ws.workspaceId }, { limit: 100 })).items.filter(
      (a) => a.action === 'account.login',
    );
    expect(logins).toHaveLength(2);
  });

  it('a refused request stores nothing: the retry with the same key runs again', async () => {
    const ws = await staffedWorkspace('idem');
    const teamId = await newTeam(ws.owner, ws.workspaceId, 'Private', 'private');
    const headers = key();
    expectError(await ws.member.post(`/teams/${teamId}/join`, {}, headers), 404, 'not_found');
    // Made visible meanwhile (the owner opens the team): the same key now joins.
    expect((await ws.owner.patch(`/teams/${teamId}`, { visibility: 'open' })).status).toBe(200);
    expect((await ws.member.post(`/teams/${teamId}/join`, {}, headers)).status).toBe(201);
  });

  it('an unregistered caller replaying a key gets 403 not_registered, not the owner of the key', async () => {
    const ws = await staffedWorkspace('idem');
    const headers = key();
    expect((await ws.owner.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'open' }, headers)).status).toBe(201);
    const stranger: Client = as({ userId: `stranger-${randomUUID().slice(0, 8)}`, email: `s-${randomUUID().slice(0, 8)}@example.com` });
    expectError(
      await stranger.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'open' }, headers),
      403,
      'not_registered',
    );
    const other = await registered('idem-other');
    expectError(await other.post(`/workspaces/${ws.workspaceId}/teams`, { name: 'T', visibility: 'open' }, headers), 404, 'not_found');
  });
});
