/**
 * SPEC §10, partnership governance, on the synthesized state machine: terms (by request and by
 * policy), recertification rounds opened by the scheduled job, renewal, the lapse into `ended`, a
 * confirmation racing the lapse, the continuation of an execution before the one-year limit, the
 * partner policy's effects on requests and team invitations, and owner succession.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/domain/partnership';
import { CONTINUE_EXECUTION_AFTER_MS, ROUND_OPENS_BEFORE_MS } from '../../shared/domain/partnership-term';
import { INLINE_PARTNERSHIPS } from '../../shared/features/workspaces/departure';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { as, emailOf, newActor, uid, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, storedPartnership } from '../support/table';
import { addMember, hostAndGuest, newAccount, newTeam, newWorkspace, staffedWorkspace, type HostAndGuest } from '../support/world';
import { at, useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

const HOUR = 3600 * 1000;

/** A host Admin's request with a term (host approval skipped), accepted by the guest admin: active, its execution at AwaitRound. */
async function termedPartnership(w: HostAndGuest, termDays = 30) {
  const requested = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
    guestWorkspaceId: w.guest.workspaceId,
    partnerEmail: emailOf(w.guest.admin),
    termDays,
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const id: string = requested.body.partnershipId;
  await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
  const accepted = await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  await workflow.waitFor(id, { state: 'AwaitRound' });
  return { id, view: accepted.body };
}

/** Runs the job as the clock reads `ms` after `iso`. */
const jobAt = (iso: string, ms: number) => runReminderJob({ now: at(iso, ms) });

/** Opens the round of a termed partnership (the job just after opensAt); returns its term's endsAt. */
async function openRound(id: string) {
  const { term } = (await storedPartnership(id)) as { term: { endsAt: string } };
  const opensAt = new Date(Date.parse(term.endsAt) - ROUND_OPENS_BEFORE_MS).toISOString();
  const result = await jobAt(opensAt, 1000);
  expect(result.roundsOpened).toBeGreaterThanOrEqual(1);
  await workflow.waitFor(id, { state: 'AwaitRecertification' });
  return { endsAt: term.endsAt, opensAt };
}

const setPolicy = (by: Client, workspaceId: string, policy: Record<string, unknown>) =>
  by.put(`/workspaces/${workspaceId}/partnership-policy`, {
    trustedWorkspaceIds: [],
    blockedWorkspaceIds: [],
    blockedEmailDomains: [],
    defaultTermDays: null,
    ...policy,
  });

describe('terms', () => {
  it('a request sets the term; it starts at activation and ends exactly days x 24 h later', async () => {
    const w = await hostAndGuest();
    const { id, view } = await termedPartnership(w, 30);
    expect(view.termDays).toBe(30);
    expect(view.term.days).toBe(30);
    expect(Date.parse(view.term.endsAt) - Date.parse(view.term.startedAt)).toBe(30 * DAY_MS);
    expect(view.term.startedAt).toBe(view.guestDecision.at);
    expect(view.recertification).toBeNull();
    // The approval part, then the term life: the execution waits for the round.
    expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance', 'GuestDecision', 'AwaitRound']);
    expect(workflow.execution(id)?.status).toBe('RUNNING');
    // Out of range terms are refused, nothing is created.
    for (const termDays of [29, 366, 30.5, '30']) {
      expectError(
        await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
          guestWorkspaceId: w.guest.workspaceId,
          partnerEmail: emailOf(w.guest.admin),
          termDays,
        }),
        400,
        'validation_failed',
      );
    }
  });

  it("without termDays the host policy's default applies (new requests only); no default: open-ended", async () => {
    const w = await hostAndGuest();
    const open = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: emailOf(w.guest.admin),
    });
    expect(open.body).toMatchObject({ termDays: null, term: null });
    expect((await setPolicy(w.host.owner, w.host.workspaceId, { defaultTermDays: 90 })).status).toBe(200);
    // The pending request keeps what it was made with.
    expect((await w.host.admin.get(`/partnerships/${open.body.partnershipId}`)).body.termDays).toBeNull();
    const other = await newWorkspace('third', 'Third');
    const byPolicy = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: other.workspaceId,
      partnerEmail: emailOf(other.owner),
    });
    expect(byPolicy.body.termDays).toBe(90);
    const fourth = await newWorkspace('fourth', 'Fourth');
    const explicit = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: fourth.workspaceId,
      partnerEmail: emailOf(fourth.owner),
      termDays: 45,
    });
    expect(explicit.body.termDays).toBe(45);
    await workflow.waitFor(byPolicy.body.partnershipId, { state: 'AwaitGuestAcceptance' });
    const accepted = await other.owner.post(`/partnerships/${byPolicy.body.partnershipId}/accept`, { acceptTerms: true });
    expect(Date.parse(accepted.body.term.endsAt) - Date.parse(accepted.body.term.startedAt)).toBe(90 * DAY_MS);
  });
});

describe('recertification', () => {
  it('a round opens 14 days before endsAt, both sides confirm, the term renews and the workflow loops', async () => {
    const w = await hostAndGuest();
    const { id, view } = await termedPartnership(w, 30);
    // Not before opensAt.
    await jobAt(view.term.endsAt, -ROUND_OPENS_BEFORE_MS - HOUR);
    expect((await storedPartnership(id))?.recertification).toBeUndefined();
    expectError(await w.host.admin.post(`/partnerships/${id}/recertify`), 409, 'invalid_state');

    const { opensAt, endsAt } = await openRound(id);
    const opened = await w.host.admin.get(`/partnerships/${id}`);
    expect(opened.body.recertification).toEqual({ opensAt, dueAt: endsAt, host: null, guest: null });
    // Both sides are reminded when the round opens.
    for (const who of [w.host.admin, w.host.owner, w.guest.admin, w.guest.owner]) {
      expect(await notificationsOf(who, 'partnership.recertification_opened'), who.email).toHaveLength(1);
    }
    expect(await notificationsOf(w.guest.member, 'partnership.recertification_opened')).toHaveLength(0);

    // The host side confirms (the requesting admin is a Partnership Owner); a repeat changes nothing.
    const host = await w.host.admin.post(`/partnerships/${id}/recertify`);
    expect(host.status, JSON.stringify(host.body)).toBe(200);
    expect(host.body.recertification.host).toEqual({ by: uid(w.host.admin), at: expect.any(String) });
    expect((await w.host.owner.post(`/partnerships/${id}/recertify`)).body.recertification.host.by).toBe(uid(w.host.admin));
    // The guest side sees when the host confirmed, not who.
    const seenByGuest = await w.guest.admin.get(`/partnerships/${id}`);
    expect(seenByGuest.body.recertification.host).toEqual({ by: null, at: host.body.recertification.host.at });
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitRecertification');

    const guest = await w.guest.admin.post(`/partnerships/${id}/recertify`);
    expect(guest.status).toBe(200);
    expect(guest.body.term).toEqual({ startedAt: endsAt, endsAt: new Date(Date.parse(endsAt) + 30 * DAY_MS).toISOString(), days: 30 });
    expect(guest.body.recertification).toBeNull();
    expect(guest.body.status).toBe('active');
    await workflow.waitFor(id, { state: 'AwaitRound' });
    expect(workflow.path(id).slice(-5)).toEqual([
      'AwaitRound',
      'RoundDecision',
      'AwaitRecertification',
      'RecertificationDecision',
      'AwaitRound',
    ]);
    for (const who of [w.host.admin, w.host.owner, w.guest.owner]) {
      expect(await notificationsOf(who, 'partnership.renewed'), who.email).toHaveLength(1);
    }
    // Activity: each confirmation and the renewal; each side sees its own confirmer only.
    const hostLog = (await w.host.admin.get(`/partnerships/${id}/activity`)).body.items as Array<{
      action: string;
      actorId: string;
      data: any;
    }>;
    const guestLog = (await w.guest.admin.get(`/partnerships/${id}/activity`)).body.items as typeof hostLog;
    const confirmations = (log: typeof hostLog) =>
      Object.fromEntries(log.filter((e) => e.action === 'partnership.recertified').map((e) => [e.data.side, e.actorId]));
    expect(confirmations(hostLog)).toEqual({ host: uid(w.host.admin), guest: 'side:guest' });
    expect(confirmations(guestLog)).toEqual({ host: 'side:host', guest: uid(w.guest.admin) });
    expect(hostLog.filter((e) => e.action === 'partnership.renewed')).toHaveLength(1);
    // Once the job saw the new term's token registered, the next round is what is due, at its opensAt.
    await jobAt(guest.body.updatedAt, 11 * 60_000);
    const nextOpensAt = new Date(Date.parse(guest.body.term.endsAt) - ROUND_OPENS_BEFORE_MS).toISOString();
    expect((await storedPartnership(id))?.gsi2sk).toBe(`${nextOpensAt}#PARTNERSHIP#${id}`);
    expectError(await w.guest.admin.post(`/partnerships/${id}/recertify`), 409, 'invalid_state');
  });

  it('reminds the sides that have not confirmed every 3 days, once per interval; never reads what is not due', async () => {
    const w = await hostAndGuest();
    const { id } = await termedPartnership(w, 30);
    const { opensAt } = await openRound(id);
    expect((await w.guest.admin.post(`/partnerships/${id}/recertify`)).status).toBe(200);
    const reminders = (who: Client) => notificationsOf(who, 'partnership.recertification_reminder');
    await jobAt(opensAt, 3 * DAY_MS - HOUR);
    expect(await reminders(w.host.admin)).toHaveLength(0);
    await jobAt(opensAt, 3 * DAY_MS + 1000);
    await jobAt(opensAt, 3 * DAY_MS + 2000);
    await jobAt(opensAt, 5 * DAY_MS);
    expect(await reminders(w.host.admin)).toHaveLength(1);
    expect(await reminders(w.host.owner)).toHaveLength(1);
    // The guest side confirmed: it is not reminded.
    expect(await reminders(w.guest.admin)).toHaveLength(0);
    await jobAt(opensAt, 6 * DAY_MS + 1000);
    expect(await reminders(w.host.admin)).toHaveLength(2);

    // Partnerships that are not due add nothing to what the job reads.
    const clock = at(opensAt, 6 * DAY_MS + 2000);
    await runReminderJob({ now: clock });
    const before = await runReminderJob({ now: clock });
    const undue = [];
    for (let i = 0; i < 3; i++) undue.push((await termedPartnership(await hostAndGuest(), 365)).id);
    // Their first due time is the check that their term's task registered (10 minutes), then their round.
    await runReminderJob({ now: new Date(Date.now() + 11 * 60_000) });
    const versions = await Promise.all(undue.map(async (id) => (await storedPartnership(id))?.version as number));
    const after = await runReminderJob({ now: clock });
    expect(after.scanned).toBeLessThanOrEqual(before.scanned);
    expect(await Promise.all(undue.map(async (id) => (await storedPartnership(id))?.version as number))).toEqual(versions);
  });

  it('a round that lapses ends the partnership: shares revoked, logins refused, both sides told, record kept', async () => {
    const w = await hostAndGuest();
    const { id } = await termedPartnership(w, 30);
    const accountId = await newAccount(w.host.admin, w.host.workspaceId, 'CRM', 'https://crm.example.com/login');
    const shared = await w.host.admin.post(`/partnerships/${id}/shares`, {
      accountId,
      members: [{ email: emailOf(w.guest.member), role: 'collaborator' }],
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    expect((await w.guest.member.post(`/accounts/${accountId}/logins`)).status).toBe(201);
    const { endsAt } = await openRound(id);
    expect((await w.host.admin.post(`/partnerships/${id}/recertify`)).status).toBe(200);

    const result = await jobAt(endsAt, 1000);
    expect(result.ended).toBeGreaterThanOrEqual(1);
    const ended = await w.host.admin.get(`/partnerships/${id}`);
    expect(ended.body).toMatchObject({ status: 'ended', closed: { by: 'system' } });
    expect(ended.body.term.endsAt).toBe(endsAt);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).slice(-3)).toEqual(['AwaitRecertification', 'RecordLapse', 'Ended']);
    expect([403, 404]).toContain((await w.guest.member.post(`/accounts/${accountId}/logins`)).status);
    expectError(
      await w.host.admin.post(`/partnerships/${id}/shares`, {
        accountId,
        members: [{ email: emailOf(w.guest.member), role: 'collaborator' }],
      }),
      409,
      'invalid_state',
    );
    for (const who of [w.host.admin, w.host.owner, w.guest.admin, w.guest.owner]) {
      expect(await notificationsOf(who, 'partnership.ended'), who.email).toHaveLength(1);
    }
    expectError(await w.guest.admin.post(`/partnerships/${id}/recertify`), 409, 'invalid_state');
    // Terminal: nothing more is due, the pair is free again.
    expect((await storedPartnership(id))?.gsi2pk).toBeUndefined();
    expect((await jobAt(endsAt, 2 * DAY_MS)).ended).toBe(0);
    const again = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: emailOf(w.guest.admin),
    });
    expect(again.status).toBe(201);
  });

  it('a confirmation racing the lapse has exactly one outcome', async () => {
    for (let round = 0; round < 3; round++) {
      const w = await hostAndGuest();
      const { id } = await termedPartnership(w, 30);
      const { endsAt } = await openRound(id);
      expect((await w.host.admin.post(`/partnerships/${id}/recertify`)).status).toBe(200);
      const [confirmation, job] = await Promise.all([w.guest.admin.post(`/partnerships/${id}/recertify`), jobAt(endsAt, 1000)]);
      const record = await storedPartnership(id);
      if (confirmation.status === 200) {
        expect(job.ended).toBe(0);
        expect(record).toMatchObject({ status: 'active' });
        expect(record?.term.startedAt).toBe(endsAt);
        await workflow.waitFor(id, { state: 'AwaitRound' });
      } else {
        expectError(confirmation, 409, 'invalid_state');
        expect(job.ended).toBeGreaterThanOrEqual(1);
        expect(record).toMatchObject({ status: 'ended' });
        await workflow.waitFor(id, { status: 'SUCCEEDED' });
        expect(workflow.path(id).at(-1)).toBe('Ended');
      }
      expect(record?.resume).toBeUndefined();
    }
  });

  it('recertify: only the entitled sides, only in an open round', async () => {
    const w = await hostAndGuest();
    // Open-ended: never a round.
    const elsewhere = await newWorkspace('open', 'Open-ended');
    const open = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: elsewhere.workspaceId,
      partnerEmail: emailOf(elsewhere.owner),
    });
    await workflow.waitFor(open.body.partnershipId, { state: 'AwaitGuestAcceptance' });
    expect((await elsewhere.owner.post(`/partnerships/${open.body.partnershipId}/accept`, { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(open.body.partnershipId, { status: 'SUCCEEDED' });
    expect(workflow.path(open.body.partnershipId).at(-1)).toBe('Active');
    expectError(await w.host.admin.post(`/partnerships/${open.body.partnershipId}/recertify`), 409, 'invalid_state');

    const { id } = await termedPartnership(w, 30);
    await openRound(id);
    // A host member who does not own it cannot see it; another tenant neither.
    expectError(await w.host.member.post(`/partnerships/${id}/recertify`), 404, 'not_found');
    expectError(await w.outsider.post(`/partnerships/${id}/recertify`), 404, 'not_found');
    expectError(await w.guest.member.post(`/partnerships/${id}/recertify`), 404, 'not_found');
    // Removal during the term ends the execution in Removed.
    expect((await w.guest.owner.delete(`/partnerships/${id}`)).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).slice(-2)).toEqual(['RecertificationDecision', 'Removed']);
  });
});

describe('the one-year execution limit', () => {
  it('the job continues a term life in a new execution before the limit; the new one carries on', async () => {
    const w = await hostAndGuest();
    const { id } = await termedPartnership(w, 365);
    const started = (await storedPartnership(id))?.executionStartedAt as string;
    expect(started).toBeDefined();
    await jobAt(started, CONTINUE_EXECUTION_AFTER_MS - HOUR);
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitRound');

    const result = await jobAt(started, CONTINUE_EXECUTION_AFTER_MS + 1000);
    expect(result.continued).toBeGreaterThanOrEqual(1);
    const record = await storedPartnership(id);
    expect(record).toMatchObject({ executionName: `${id}-c1`, executionRestarts: 1, status: 'active' });
    expect(record?.resume).toBeUndefined();
    // The old execution ends (well under a year), the new one waits where the record is.
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).slice(-2)).toEqual(['AwaitRound', 'ContinuedAsNew']);
    await workflow.waitFor(`${id}-c1`, { state: 'AwaitRound' });
    expect(workflow.path(`${id}-c1`)).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance', 'GuestDecision', 'AwaitRound']);

    // The round opens on the new execution, both confirm, it loops.
    await runReminderJob({ now: at(record?.term.endsAt as string, -ROUND_OPENS_BEFORE_MS + 1000) });
    await workflow.waitFor(`${id}-c1`, { state: 'AwaitRecertification' });
    expect((await w.host.owner.post(`/partnerships/${id}/recertify`)).status).toBe(200);
    expect((await w.guest.owner.post(`/partnerships/${id}/recertify`)).status).toBe(200);
    await workflow.waitFor(`${id}-c1`, { state: 'AwaitRound' });
    // Once per execution: the next continuation is due 330 days after this one started.
    expect((await jobAt(started, CONTINUE_EXECUTION_AFTER_MS + 2000)).continued).toBe(0);
  });
});

describe('partner policy', () => {
  it('GET/PUT: Owner/Admin only; a new workspace has the default; bad input is a 400 with details and changes nothing', async () => {
    const w = await hostAndGuest();
    const path = `/workspaces/${w.host.workspaceId}/partnership-policy`;
    expect((await w.host.admin.get(path)).body).toEqual({
      workspaceId: w.host.workspaceId,
      trustedWorkspaceIds: [],
      blockedWorkspaceIds: [],
      blockedEmailDomains: [],
      defaultTermDays: null,
      updatedAt: null,
      updatedBy: null,
    });
    expectError(await w.host.member.get(path), 403, 'forbidden');
    expectError(await w.guest.owner.get(path), 404, 'not_found');
    expectError(await setPolicy(w.host.member, w.host.workspaceId, {}), 403, 'forbidden');

    const saved = await setPolicy(w.host.admin, w.host.workspaceId, {
      trustedWorkspaceIds: [w.guest.workspaceId],
      blockedEmailDomains: ['Spam.Example'],
      defaultTermDays: 180,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ blockedEmailDomains: ['spam.example'], defaultTermDays: 180, updatedBy: uid(w.host.admin) });

    const tooMany = Array.from({ length: 101 }, (_, i) => `ws${i}`);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ trustedWorkspaceIds: ['nope-not-a-workspace'] }, 'body.trustedWorkspaceIds.0'],
      [{ blockedWorkspaceIds: [w.host.workspaceId] }, 'body.blockedWorkspaceIds.0'],
      [{ trustedWorkspaceIds: [w.guest.workspaceId], blockedWorkspaceIds: [w.guest.workspaceId] }, 'body.trustedWorkspaceIds.0'],
      [{ blockedWorkspaceIds: [w.guest.workspaceId, w.guest.workspaceId] }, 'body.blockedWorkspaceIds.1'],
      [{ blockedEmailDomains: ['a.example', 'A.example'] }, 'body.blockedEmailDomains.1'],
      [{ blockedEmailDomains: ['not a domain'] }, 'body.blockedEmailDomains.0'],
      [{ blockedWorkspaceIds: tooMany }, 'body.blockedWorkspaceIds'],
      [{ defaultTermDays: 29 }, 'body.defaultTermDays'],
      [{ defaultTermDays: 366 }, 'body.defaultTermDays'],
    ];
    for (const [policy, field] of bad) {
      const response = await setPolicy(w.host.admin, w.host.workspaceId, policy);
      expectError(response, 400, 'validation_failed');
      expect(JSON.stringify(response.body.error.details), JSON.stringify(policy)).toContain(field);
    }
    expectError(await w.host.admin.put(path, { trustedWorkspaceIds: [] }), 400, 'validation_failed');
    expect((await w.host.admin.get(path)).body).toEqual(saved.body);
    // Each change is in the workspace's activity log.
    const log = (await w.host.owner.get(`/workspaces/${w.host.workspaceId}/activity`)).body.items as Array<{ action: string; data: any }>;
    const changes = log.filter((e) => e.action === 'workspace.partnership_policy_updated');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.data.to.defaultTermDays).toBe(180);
  });

  it('a request is refused when either side blocks the other, without saying which', async () => {
    const w = await hostAndGuest();
    const request = () =>
      w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
        guestWorkspaceId: w.guest.workspaceId,
        partnerEmail: emailOf(w.guest.admin),
      });
    expect((await setPolicy(w.host.owner, w.host.workspaceId, { blockedWorkspaceIds: [w.guest.workspaceId] })).status).toBe(200);
    const byHost = await request();
    expectError(byHost, 422, 'partner_blocked');
    expect((await setPolicy(w.host.owner, w.host.workspaceId, {})).status).toBe(200);
    expect((await setPolicy(w.guest.owner, w.guest.workspaceId, { blockedWorkspaceIds: [w.host.workspaceId] })).status).toBe(200);
    const byGuest = await request();
    expectError(byGuest, 422, 'partner_blocked');
    expect(byGuest.body.error.message).toBe(byHost.body.error.message);
    expect(JSON.stringify(byGuest.body)).not.toMatch(/guest|host/i);
    expect((await w.host.admin.get(`/workspaces/${w.host.workspaceId}/partnerships`)).body.items).toHaveLength(0);
    expect((await setPolicy(w.guest.owner, w.guest.workspaceId, {})).status).toBe(200);
    expect((await request()).status).toBe(201);
  });

  it("a member's request toward a trusted workspace skips host approval; guest acceptance is still needed", async () => {
    const w = await hostAndGuest();
    expect((await setPolicy(w.host.admin, w.host.workspaceId, { trustedWorkspaceIds: [w.guest.workspaceId] })).status).toBe(200);
    const requested = await w.host.member.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: emailOf(w.guest.admin),
      reason: 'A trusted partner',
    });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'awaiting_guest_acceptance', hostDecision: { auto: true, by: 'policy' } });
    const id: string = requested.body.partnershipId;
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance']);
    expect(await notificationsOf(w.guest.admin, 'partnership.invitation')).toHaveLength(1);
    expect(await notificationsOf(w.host.admin, 'partnership.requested')).toHaveLength(0);
    expectError(await w.host.admin.post(`/partnerships/${id}/approve`), 409, 'invalid_state');
    expect((await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
  });

  it('team invitations: blocked workspaces and e-mail domains fail their entry; a trusted workspace is active at once', async () => {
    const host = await staffedWorkspace('team');
    const teamId = await newTeam(host.member, host.workspaceId, 'Projects');
    const trusted = await staffedWorkspace('trusted');
    const blocked = await staffedWorkspace('blocked');
    const other = await staffedWorkspace('other');
    // A user of the other workspace whose e-mail domain the policy blocks.
    const spamId = newActor('spam').userId;
    const spammer = as({ userId: spamId, email: `${spamId}@spam.example` });
    expect((await spammer.put('/me', { name: 'Spam' })).status).toBe(201);
    await addMember(other, spammer);
    expect(
      (
        await setPolicy(host.owner, host.workspaceId, {
          trustedWorkspaceIds: [trusted.workspaceId],
          blockedWorkspaceIds: [blocked.workspaceId],
          blockedEmailDomains: ['Spam.Example'],
        })
      ).status,
    ).toBe(200);
    const invite = (entries: Array<{ email: string; permission: string }>) =>
      host.member.post(`/teams/${teamId}/partner-invitations`, { invitations: entries });

    const refused = await invite([
      { email: emailOf(blocked.member), permission: 'view' },
      { email: emailOf(trusted.member), permission: 'view' },
    ]);
    expectError(refused, 422, 'partner_blocked');
    expect(refused.body.error.details).toEqual([{ index: 0, email: emailOf(blocked.member), code: 'partner_blocked' }]);
    expectError(await invite([{ email: emailOf(spammer), permission: 'view' }]), 422, 'partner_blocked');
    expect((await invite([{ email: emailOf(other.member), permission: 'view' }])).body.items[0].status).toBe('pending');

    const mixed = await invite([
      { email: emailOf(trusted.member), permission: 'edit' },
      { email: emailOf(trusted.admin), permission: 'view' },
    ]);
    expect(mixed.status, JSON.stringify(mixed.body)).toBe(201);
    expect(mixed.body.items.map((i: { status: string }) => i.status)).toEqual(['active', 'active']);
    expect(mixed.body.items[0].decidedBy).toBe('policy');
    expect(await notificationsOf(trusted.member, 'team_partner.activated')).toHaveLength(1);
    // An untrusted workspace's user still waits for an Owner/Admin.
    const third = await staffedWorkspace('untrusted');
    const pending = await invite([{ email: emailOf(third.member), permission: 'view' }]);
    expect(pending.body.items[0].status).toBe('pending');
  });
});

describe('owner succession', () => {
  it('an owner who leaves stops owning at once; the workspace Owner succeeds where none remains; their pending invitations are withdrawn', async () => {
    const w = await hostAndGuest();
    const requested = await w.host.member.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: emailOf(w.guest.admin),
      reason: 'Shared project',
    });
    const id: string = requested.body.partnershipId;
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    // A second partnership the member co-owns with the admin: no succession there.
    const third = await newWorkspace('third', 'Third');
    const coOwned = await w.host.member.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: third.workspaceId,
      partnerEmail: emailOf(third.owner),
      reason: 'Another one',
    });
    expect((await w.host.member.post(`/partnerships/${coOwned.body.partnershipId}/owners`, { userId: uid(w.host.admin) })).status).toBe(
      201,
    );
    // A pending team partner invitation the member made.
    const teamId = await newTeam(w.host.member, w.host.workspaceId, 'Team');
    const invited = await w.host.member.post(`/teams/${teamId}/partner-invitations`, {
      invitations: [{ email: emailOf(w.guest.member), permission: 'view' }],
    });
    expect(invited.body.items[0].status).toBe('pending');

    expect((await w.host.member.delete(`/workspaces/${w.host.workspaceId}/members/${uid(w.host.member)}`)).status).toBe(204);

    const view = await w.host.owner.get(`/partnerships/${id}`);
    expect(view.body.owners).toEqual([{ userId: uid(w.host.owner), email: emailOf(w.host.owner), addedAt: expect.any(String) }]);
    expect(
      (await w.host.owner.get(`/partnerships/${coOwned.body.partnershipId}`)).body.owners.map((o: { userId: string }) => o.userId),
    ).toEqual([uid(w.host.admin)]);
    expect(await notificationsOf(w.host.owner, 'partnership.owner_succession')).toHaveLength(1);
    expect(await notificationsOf(w.host.admin, 'partnership.owner_succession')).toHaveLength(0);
    const log = (await w.host.owner.get(`/partnerships/${id}/activity`)).body.items as Array<{ action: string; data: any }>;
    expect(log.find((e) => e.action === 'partnership.owner_removed')?.data).toMatchObject({
      userId: uid(w.host.member),
      reason: 'left_workspace',
      successorId: uid(w.host.owner),
    });
    // The successor acts as an owner (and lists it); the invitation is withdrawn.
    expect((await w.host.owner.get(`/workspaces/${w.host.workspaceId}/partnerships?side=host`)).status).toBe(200);
    expect((await w.host.owner.get(`/partner-invitations/${invited.body.items[0].invitationId}`)).body.status).toBe('withdrawn');
    expect((await w.host.owner.get(`/workspaces/${w.host.workspaceId}/partner-invitations?status=pending`)).body.items).toHaveLength(0);
    expect((await w.host.owner.post(`/partnerships/${id}/cancel`)).status).toBe(200);
  });

  it('beyond what one transaction holds, the job finishes the succession', async () => {
    const host = await staffedWorkspace('many');
    const ids: string[] = [];
    for (let i = 0; i < INLINE_PARTNERSHIPS + 2; i++) {
      const guest = await newWorkspace(`g${i}`, `Guest ${i}`);
      const requested = await host.member.post(`/workspaces/${host.workspaceId}/partnerships`, {
        guestWorkspaceId: guest.workspaceId,
        partnerEmail: emailOf(guest.owner),
        reason: 'Many',
      });
      expect(requested.status).toBe(201);
      ids.push(requested.body.partnershipId);
    }
    expect((await host.owner.delete(`/workspaces/${host.workspaceId}/members/${uid(host.member)}`)).status).toBe(204);
    const ownersOf = async () =>
      Promise.all(ids.map(async (id) => ((await storedPartnership(id))?.owners as Array<{ userId: string }>).map((o) => o.userId)));
    const inline = (await ownersOf()).filter((owners) => owners.includes(uid(host.owner)));
    expect(inline).toHaveLength(INLINE_PARTNERSHIPS);
    const result = await runReminderJob({ now: new Date(Date.now() + 1000) });
    expect(result.departures).toBeGreaterThanOrEqual(1);
    expect(await ownersOf()).toEqual(ids.map(() => [uid(host.owner)]));
    expect((await runReminderJob({ now: new Date(Date.now() + 2000) })).departures).toBe(0);
  });
});
