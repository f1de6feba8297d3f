/**
 * Races, through the API against DynamoDB Local with the local state machine runner (extending the
 * single approve/decline race of test/integration/partnerships-workflow.test.ts):
 *
 * - conflicting partnership decisions in every stage, with the wait task's token registered and
 *   while it is still registering: exactly one 2xx, the other 409 invalid_state, one decision in the
 *   activity log, the record and the execution agreeing afterwards, no resume left behind;
 * - duplicate creates: the same Idempotency-Key (one create, the same response), the same key with
 *   another body, no key (two creates, or the spec's conflict), the same key by two callers;
 * - concurrent partner invitations of one user into one team: one wins, the other 409 already_partner;
 * - sharing: revoke, re-share, guest removal and partnership removal racing logins: whatever the
 *   order, once a revocation has completed the next login is refused, and shares and logins agree.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { listActivity } from '../../shared/store/activity';
import { keys } from '../../shared/store/keys';
import { send, type Actor, type ApiResponse } from '../support/api';
import { expectError, outcome } from '../support/errors';
import { readItem, storedPartnership } from '../support/table';
import type { World } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';
import { suiteCounters } from './support/harness';
import { expectRecordAndWorkflowAgree, quiesce, victimWorld } from './support/worlds';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });
const counters = suiteCounters('concurrency');
let w: World;

beforeAll(() => {
  w = victimWorld('race', workflow.runner);
});

const post = (actor: Actor, path: string, body?: unknown, headers?: Record<string, string>) =>
  send({ actor, method: 'POST', path, body: body ?? {}, headers });
const del = (actor: Actor, path: string) => send({ actor, method: 'DELETE', path });
const get = (actor: Actor, path: string) => send({ actor, method: 'GET', path });
const ok = (r: ApiResponse) => r.status >= 200 && r.status < 300;

function observeAll(responses: ApiResponse[]) {
  const problems = responses.flatMap((r) => counters.observe(r));
  expect(problems).toEqual([]);
}

const decisions = async (partnershipId: string) =>
  (await listActivity({ kind: 'partnership', id: partnershipId }, { limit: 100 })).items.length;

describe('conflicting partnership decisions', () => {
  type Stage = 'host' | 'guest' | 'active';
  type Move = (ctx: { id: string; guestOwner: Actor }) => Promise<ApiResponse>;
  const approve: Move = async ({ id }) => post(await w.admin(), `/partnerships/${id}/approve`);
  const hostDecline: Move = async ({ id }) => post(await w.owner(), `/partnerships/${id}/decline`, { reason: 'No' });
  const cancelByRequester =
    (by: 'member' | 'owner'): Move =>
    async ({ id }) =>
      post(by === 'member' ? await w.member() : await w.owner(), `/partnerships/${id}/cancel`);
  const removeByHost: Move = async ({ id }) => del(await w.owner(), `/partnerships/${id}`);
  const accept: Move = async ({ id, guestOwner }) => post(guestOwner, `/partnerships/${id}/accept`, { acceptTerms: true });
  const guestDecline: Move = async ({ id, guestOwner }) => post(guestOwner, `/partnerships/${id}/decline`, {});
  const removeByGuest: Move = async ({ id, guestOwner }) => del(guestOwner, `/partnerships/${id}`);

  /**
   * `conflicting`: only one may ever succeed. Otherwise the second move is also valid after the first
   * (approve, then cancel or remove): both may succeed, in that order only, ending in the second's state.
   */
  const pairs: Array<{ name: string; stage: Stage; moves: [Move, Move]; conflicting?: false }> = [
    { name: 'approve vs decline (host stage)', stage: 'host', moves: [approve, hostDecline] },
    { name: 'approve vs cancel by the requester', stage: 'host', moves: [approve, cancelByRequester('member')], conflicting: false },
    { name: 'approve vs removal by the host owner', stage: 'host', moves: [approve, removeByHost], conflicting: false },
    { name: 'accept vs decline (guest stage)', stage: 'guest', moves: [accept, guestDecline] },
    { name: 'accept vs cancel by the requester', stage: 'guest', moves: [accept, cancelByRequester('owner')] },
    { name: 'removal by the host vs removal by the guest (active)', stage: 'active', moves: [removeByHost, removeByGuest] },
  ];

  for (const pair of pairs) {
    const title = pair.conflicting === false ? 'both in one order or the second alone' : 'exactly one wins, the other is 409 invalid_state';
    it(`${pair.name}: ${title}; record and workflow agree`, async () => {
      // Round 1 races after the wait task registered its token; round 2 while it may still be registering.
      for (const settled of [true, false]) {
        // Round 2's fixtures do not settle (the world's fixtures otherwise wait for the token).
        const prepare = async () => {
          const requested = await w.requestPartnership(pair.stage === 'host' ? 'member' : 'owner', 'race-guest');
          const prepared = { id: requested.partnershipId, guestOwner: requested.guest.owner };
          if (pair.stage === 'active') await w.accept(prepared.id, prepared.guestOwner);
          return prepared;
        };
        const ctx: { id: string; guestOwner: Actor } = settled ? await prepare() : await w.withoutSettling(prepare);
        if (settled || pair.stage === 'active') await quiesce(workflow.runner);
        const logBefore = await decisions(ctx.id);
        const results = await Promise.all(pair.moves.map((move) => move(ctx)));
        counters.add('races');
        observeAll(results);
        const summary = results.map((r) => `${r.status} ${r.body?.error?.code ?? r.body?.status ?? ''}`).join(' | ');
        for (const loser of results.filter((r) => !ok(r))) {
          expectError(loser, 409, 'invalid_state', summary);
        }
        const record = await storedPartnership(ctx.id);
        if (pair.conflicting === false) {
          // The second move always succeeds (it is valid before and after the first) and decides the end state.
          expect(ok(results[1]!), summary).toBe(true);
          expect(record?.status, summary).toBe(results[1]!.body.status);
        } else {
          expect(results.filter(ok), summary).toHaveLength(1);
          expect(record?.status, summary).toBe(results.find(ok)!.body.status);
        }
        expect(await decisions(ctx.id), `one activity entry per applied decision (${summary})`).toBe(logBefore + results.filter(ok).length);
        await expectRecordAndWorkflowAgree(workflow.runner, ctx.id);
      }
    });
  }
});

describe('duplicate creates', () => {
  const teamsNamed = async (name: string) => {
    const list = await get(await w.owner(), `/workspaces/${await w.workspaceId()}/teams?limit=100`);
    expect(list.status).toBe(200);
    return (list.body.items as any[]).filter((t) => t.name === name);
  };

  it('the same Idempotency-Key and body, 5 at once: one team, the same response (or 409 in progress), and a later retry replays it', async () => {
    const member = await w.member();
    const path = `/workspaces/${await w.workspaceId()}/teams`;
    const name = `Idem ${randomUUID().slice(0, 8)}`;
    const headers = { 'Idempotency-Key': randomUUID() };
    const results = await Promise.all(Array.from({ length: 5 }, () => post(member, path, { name, visibility: 'open' }, headers)));
    counters.add('races');
    observeAll(results);
    const created = results.filter(ok);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.teamId)).size).toBe(1);
    for (const r of results.filter((x) => !ok(x))) expectError(r, 409, 'idempotency_in_progress');
    expect(await teamsNamed(name)).toHaveLength(1);
    const retry = await post(member, path, { name, visibility: 'open' }, headers);
    expect({ status: retry.status, teamId: retry.body.teamId }).toEqual({ status: 201, teamId: created[0]!.body.teamId });
  });

  it('the same Idempotency-Key with two bodies at once: at most one create, the other 409 in progress or 422 idempotency_key_reused', async () => {
    const member = await w.member();
    const path = `/workspaces/${await w.workspaceId()}/teams`;
    const [a, b] = [`Idem A ${randomUUID().slice(0, 8)}`, `Idem B ${randomUUID().slice(0, 8)}`];
    const headers = { 'Idempotency-Key': randomUUID() };
    const results = await Promise.all([
      post(member, path, { name: a, visibility: 'open' }, headers),
      post(member, path, { name: b, visibility: 'open' }, headers),
    ]);
    counters.add('races');
    observeAll(results);
    expect(results.filter(ok)).toHaveLength(1);
    const refused = results.find((r) => !ok(r))!;
    expect(['409 idempotency_in_progress', '422 idempotency_key_reused']).toContain(outcome(refused));
    expect((await teamsNamed(a)).length + (await teamsNamed(b)).length).toBe(1);
  });

  it("a refused reuse of a key (another body: 422) leaves the first request's record: its retry replays, nothing is created twice", async () => {
    const member = await w.member();
    const path = `/workspaces/${await w.workspaceId()}/teams`;
    const name = `Keep ${randomUUID().slice(0, 8)}`;
    const headers = { 'Idempotency-Key': randomUUID() };
    const first = await post(member, path, { name, visibility: 'open' }, headers);
    expect(first.status).toBe(201);
    const other = await post(member, path, { name: `${name} (other)`, visibility: 'open' }, headers);
    expectError(other, 422, 'idempotency_key_reused');
    const retry = await post(member, path, { name, visibility: 'open' }, headers);
    counters.add('races');
    expect({ status: retry.status, teamId: retry.body.teamId }).toEqual({ status: 201, teamId: first.body.teamId });
    expect((await post(member, path, { name: `${name} (other)`, visibility: 'open' }, headers)).status).toBe(422);
    expect(await teamsNamed(name)).toHaveLength(1);
    expect(await teamsNamed(`${name} (other)`)).toHaveLength(0);
  });

  it('no Idempotency-Key: two identical team creates make two teams; the same key by two callers makes one each', async () => {
    const [member, admin] = [await w.member(), await w.admin()];
    const path = `/workspaces/${await w.workspaceId()}/teams`;
    const name = `Twice ${randomUUID().slice(0, 8)}`;
    const twice = await Promise.all([post(member, path, { name, visibility: 'open' }), post(member, path, { name, visibility: 'open' })]);
    counters.add('races');
    observeAll(twice);
    expect(twice.map((r) => r.status)).toEqual([201, 201]);
    expect(await teamsNamed(name)).toHaveLength(2);

    const shared = `Shared key ${randomUUID().slice(0, 8)}`;
    const headers = { 'Idempotency-Key': 'the-same-key-for-two-callers' };
    const byTwo = await Promise.all([
      post(member, path, { name: shared, visibility: 'open' }, headers),
      post(admin, path, { name: shared, visibility: 'open' }, headers),
    ]);
    counters.add('races');
    observeAll(byTwo);
    expect(byTwo.map((r) => r.status)).toEqual([201, 201]);
    expect(byTwo[0].body.teamId).not.toBe(byTwo[1].body.teamId);
    expect(byTwo[1].body.createdBy).toBe(admin.userId);
  });

  it('partnership requests for one pair at once: without a key one 201 and 409 partnership_exists; with one key a single partnership', async () => {
    const owner = await w.owner();
    const path = `/workspaces/${await w.workspaceId()}/partnerships`;
    for (const withKey of [false, true]) {
      const guest = await w.newWorkspace('dup-guest');
      const body = { guestWorkspaceId: guest.workspaceId, partnerEmail: guest.owner.email };
      const headers = withKey ? { 'Idempotency-Key': randomUUID() } : undefined;
      const results = await Promise.all(Array.from({ length: 3 }, () => post(owner, path, body, headers)));
      counters.add('races');
      observeAll(results);
      const created = results.filter(ok);
      const ids = new Set(created.map((r) => r.body.partnershipId));
      expect(ids.size, results.map(outcome).join(' | ')).toBe(1);
      for (const r of results.filter((x) => !ok(x))) {
        expect([withKey ? '409 idempotency_in_progress' : '409 partnership_exists', '409 partnership_exists']).toContain(outcome(r));
      }
      const hostList = await get(owner, `/workspaces/${await w.workspaceId()}/partnerships?side=host&limit=100`);
      expect((hostList.body.items as any[]).filter((p) => p.guestWorkspaceId === guest.workspaceId)).toHaveLength(1);
      await expectRecordAndWorkflowAgree(workflow.runner, [...ids][0]);
    }
  });
});

describe('concurrent partner invitations of one user into one team', () => {
  it('two inviters at once: one 201, the other 409 already_partner, one partner', async () => {
    const team = await w.team();
    const pairs: Array<[Actor, Actor]> = [
      [await w.owner(), await w.admin()], // both active at once
      [await w.member(), await w.owner()], // a pending one and an active one
      [await w.member(), await w.member()], // the same inviter twice
    ];
    for (const [first, second] of pairs) {
      const invitee = await w.newGuestUser('dup-invitee');
      const body = { invitations: [{ email: invitee.email, permission: 'edit' }] };
      const results = await Promise.all([
        post(first, `/teams/${team}/partner-invitations`, body),
        post(second, `/teams/${team}/partner-invitations`, body),
      ]);
      counters.add('races');
      observeAll(results);
      const summary = results.map(outcome).join(' | ');
      expect(results.filter(ok), summary).toHaveLength(1);
      const loser = results.find((r) => !ok(r))!;
      expectError(loser, 409, 'already_partner', summary);
      const partner = await readItem(keys.teamPartner(team, invitee.userId));
      expect(partner?.status).toBe(results.find(ok)!.body.items[0].status);
    }
  });
});

describe('sharing races', () => {
  const loginOf = (actor: Actor, accountId: string) => post(actor, `/accounts/${accountId}/logins`);
  const refused = (r: ApiResponse) => r.status === 403 || r.status === 404;

  async function sharedWith(partnershipId: string, accountId: string, userId: string) {
    const list = await get(await w.owner(), `/partnerships/${partnershipId}/shares?limit=100`);
    if (list.status === 404) return false;
    expect(list.status).toBe(200);
    const share = (list.body.items as any[]).find((s) => s.accountId === accountId);
    return Boolean(share?.members?.some((m: any) => m.userId === userId));
  }

  it('revoke vs login: once the revocation completed, the next login is refused', async () => {
    const partnershipId = await w.partnership();
    const guest = await w.newGuestUser('race-login');
    for (let round = 0; round < 4; round++) {
      const accountId = await w.newAccount(`Race ${round}`);
      await w.share(accountId, [{ email: guest.email, role: 'collaborator' }]);
      const [revoked, login] = await Promise.all([
        del(await w.owner(), `/partnerships/${partnershipId}/shares/${accountId}`),
        loginOf(guest, accountId),
      ]);
      counters.add('races');
      observeAll([revoked, login]);
      expect(revoked.status).toBe(204);
      expect(ok(login) || refused(login), `${login.status} ${login.text}`).toBe(true);
      const after = await loginOf(guest, accountId);
      expect(refused(after), `login after the revocation: ${after.status} ${after.text}`).toBe(true);
      expect(await sharedWith(partnershipId, accountId, guest.userId)).toBe(false);
    }
  });

  it('share vs revoke: shares and logins agree afterwards', async () => {
    const partnershipId = await w.partnership();
    const guest = await w.newGuestUser('race-share');
    for (let round = 0; round < 4; round++) {
      const accountId = await w.newAccount(`Flip ${round}`);
      await w.share(accountId, [{ email: guest.email, role: 'collaborator' }]);
      const results = await Promise.all([
        post(await w.owner(), `/partnerships/${partnershipId}/shares`, { accountId, members: [{ email: guest.email, role: 'manager' }] }),
        del(await w.owner(), `/partnerships/${partnershipId}/shares/${accountId}`),
      ]);
      counters.add('races');
      observeAll(results);
      const shared = await sharedWith(partnershipId, accountId, guest.userId);
      const login = await loginOf(guest, accountId);
      expect({ shared, login: ok(login) }, `${results.map((r) => r.status).join(', ')}; login ${login.status}`).toEqual({
        shared,
        login: shared,
      });
    }
  });

  it('guest member removal vs login and re-share: after the removal completed, logins are refused unless a later share gave access back', async () => {
    const partnershipId = await w.partnership();
    for (let round = 0; round < 3; round++) {
      const guest = await w.newGuestUser(`race-remove-${round}`);
      const accountId = await w.newAccount(`Removal ${round}`);
      await w.share(accountId, [{ email: guest.email, role: 'collaborator' }]);
      const [removed, login] = await Promise.all([
        del(await w.owner(), `/partnerships/${partnershipId}/guest-members/${guest.userId}`),
        loginOf(guest, accountId),
      ]);
      counters.add('races');
      observeAll([removed, login]);
      expect(removed.status).toBe(204);
      expect(refused(await loginOf(guest, accountId))).toBe(true);
      expect(await sharedWith(partnershipId, accountId, guest.userId)).toBe(false);
    }
  });

  it('partnership removal vs share and login: every share ends with the partnership', async () => {
    const { partnershipId, guest } = await w.awaitingGuest();
    await w.accept(partnershipId, guest.owner);
    await quiesce(workflow.runner);
    const member = await w.newMember(guest, 'member', 'removal-racer');
    const accountId = await w.newAccount('Removal race');
    const second = await w.newAccount('Removal race 2');
    const owner = await w.owner();
    expect(
      (await post(owner, `/partnerships/${partnershipId}/shares`, { accountId, members: [{ email: member.email, role: 'collaborator' }] }))
        .status,
    ).toBe(201);
    const results = await Promise.all([
      del(owner, `/partnerships/${partnershipId}`),
      loginOf(member, accountId),
      post(owner, `/partnerships/${partnershipId}/shares`, { accountId: second, members: [{ email: member.email, role: 'collaborator' }] }),
    ]);
    counters.add('races');
    observeAll(results);
    expect(results[0].status).toBe(200);
    expect([201, 409]).toContain(results[2].status);
    for (const account of [accountId, second]) expect(refused(await loginOf(member, account))).toBe(true);
    expect((await storedPartnership(partnershipId))?.status).toBe('removed');
  });
});
