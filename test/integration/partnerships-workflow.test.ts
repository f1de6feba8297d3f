/**
 * SPEC §5, the record and the workflow never disagree for long: the scheduled job (reminders, expiry,
 * resumes, reconciliation), concurrent decisions, and decisions racing the wait tasks.
 */
import { describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { handler as awaitDecision } from '../../functions/workflow/await-decision';
import { DAY_MS, RECONCILE_AFTER_MS } from '../../shared/domain/partnership';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { emailOf } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, storedPartnership } from '../support/table';
import { hostAndGuest, memberRequest } from '../support/world';
import { at, useLocalWorkflow } from '../support/workflow';

/** Closed: the AwaitGuestAcceptance task waits before registering its token (a slow Lambda). */
let guestStageGate: Promise<void> = Promise.resolve();
const workflow = useLocalWorkflow({
  retryIntervalMs: 10,
  handlers: {
    AwaitGuestAcceptance: async (event: any, _context: Context) => {
      await guestStageGate;
      return awaitDecision(event);
    },
  },
});

describe('the scheduled job', () => {
  it('reminds the deciders 3 days into a stage, once per 3-day interval', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const createdAt = (await storedPartnership(id))!.createdAt as string;

    await runReminderJob({ now: at(createdAt, 3 * DAY_MS + 1000) });
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(1);
    expect(await notificationsOf(w.host.owner, 'partnership.reminder')).toHaveLength(1);
    expect(await notificationsOf(w.host.member, 'partnership.reminder')).toHaveLength(0);

    await runReminderJob({ now: at(createdAt, 3 * DAY_MS + 2000) });
    await runReminderJob({ now: at(createdAt, 5 * DAY_MS) });
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(1);

    await runReminderJob({ now: at(createdAt, 6 * DAY_MS + 1000) });
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(2);
    expect(await storedPartnership(id)).toMatchObject({ status: 'awaiting_host_approval', remindersSent: 2 });
    // The execution kept waiting all along.
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitHostApproval');
  });

  it('reminds the partner in the guest stage', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    const stageEnteredAt = (await storedPartnership(id))!.stageEnteredAt as string;
    await runReminderJob({ now: at(stageEnteredAt, 3 * DAY_MS + 1000) });
    expect(await notificationsOf(w.guest.admin, 'partnership.reminder')).toHaveLength(1);
    // Every guest Owner/Admin may decide stage 3: each is reminded (as every host Owner/Admin is in stage 2).
    expect(await notificationsOf(w.guest.owner, 'partnership.reminder')).toHaveLength(1);
    expect(await notificationsOf(w.guest.member, 'partnership.reminder')).toHaveLength(0);
    expect(await notificationsOf(w.host.admin, 'partnership.reminder')).toHaveLength(0);
  });

  it('expires a stage after 30 days: record expired, requester notified, execution ended, pair free', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const createdAt = (await storedPartnership(id))!.createdAt as string;

    const result = await runReminderJob({ now: at(createdAt, 30 * DAY_MS + 1000) });
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const item = await storedPartnership(id);
    expect(item).toMatchObject({ status: 'expired' });
    expect(item?.gsi2pk).toBeUndefined();
    expect(item?.resume).toBeUndefined();
    expect(await notificationsOf(w.host.member, 'partnership.expired')).toHaveLength(1);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).slice(-2)).toEqual(['RecordExpiry', 'Expired']);
    expectError(await w.host.admin.post(`/partnerships/${id}/approve`), 409, 'invalid_state');
    // Once: a second run finds nothing to do.
    await runReminderJob({ now: at(createdAt, 31 * DAY_MS) });
    expect(await notificationsOf(w.host.member, 'partnership.expired')).toHaveLength(1);
    await memberRequest(w);
  });
});

describe('races between decisions and the workflow', () => {
  it('concurrent approve and decline: exactly one wins, the other is 409 invalid_state', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const [approve, decline] = await Promise.all([
      w.host.admin.post(`/partnerships/${id}/approve`),
      w.host.owner.post(`/partnerships/${id}/decline`, { reason: 'No' }),
    ]);
    const statuses = [approve.status, decline.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = approve.status === 409 ? approve : decline;
    expect(loser.body.error.code).toBe('invalid_state');
    const item = await storedPartnership(id);
    if (approve.status === 200) {
      expect(item?.status).toBe('awaiting_guest_acceptance');
      await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    } else {
      expect(item?.status).toBe('declined_by_host');
      await workflow.waitFor(id, { status: 'SUCCEEDED' });
      expect(workflow.path(id).at(-1)).toBe('DeclinedByHost');
    }
    // One decision, one activity entry for it.
    const decisions = (
      await (await import('../../shared/store/activity')).listActivity({ kind: 'partnership', id }, { limit: 10 })
    ).items.filter((e) => e.action !== 'partnership.requested');
    expect(decisions).toHaveLength(1);
  });

  it('accept right after approval, before the wait task registered its token, is never lost', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    let open!: () => void;
    guestStageGate = new Promise((resolve) => (open = resolve));
    try {
      expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
      const accepted = await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true });
      expect(accepted.status).toBe(200);
      expect(accepted.body.status).toBe('active');
      expect((await storedPartnership(id))?.taskToken).toBeUndefined();
    } finally {
      open();
      guestStageGate = Promise.resolve();
    }
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).slice(-3)).toEqual(['AwaitGuestAcceptance', 'GuestDecision', 'Active']);
    expect(await storedPartnership(id)).toMatchObject({ status: 'active' });
  });

  it("a failed resume is not the caller's error: the job re-sends it", async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    let failures = 0;
    const restore = workflow.withPort({
      sendTaskSuccess: async () => {
        failures++;
        throw new Error('Step Functions is unavailable');
      },
    });
    let approvedAt: string;
    try {
      const approved = await w.host.admin.post(`/partnerships/${id}/approve`);
      expect(approved.status).toBe(200);
      approvedAt = approved.body.updatedAt;
    } finally {
      restore();
    }
    expect(failures).toBe(1);
    const pending = await storedPartnership(id);
    expect(pending).toMatchObject({ status: 'awaiting_guest_acceptance', resume: { outcome: 'approved', stage: 'host_approval' } });
    expect(pending?.gsi2pk).toBe('DUE');
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitHostApproval');

    const result = await runReminderJob({ now: at(approvedAt!, 2 * 60_000) });
    expect(result.resumed).toBeGreaterThanOrEqual(1);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await storedPartnership(id))?.resume).toBeUndefined();
    expect((await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
  });

  it('a request whose execution did not start (or was lost) is restarted by the job as <id>-r1', async () => {
    const w = await hostAndGuest();
    const restore = workflow.withPort({
      start: async () => {
        throw new Error('StartExecution failed');
      },
    });
    let id: string;
    try {
      id = await memberRequest(w);
    } finally {
      restore();
    }
    expect(workflow.execution(id)).toBeUndefined();
    const createdAt = (await storedPartnership(id))!.createdAt as string;
    // Not before the reconciliation delay...
    await runReminderJob({ now: at(createdAt, RECONCILE_AFTER_MS - 60_000) });
    expect(workflow.execution(`${id}-r1`)).toBeUndefined();
    // ...then a new execution goes to the stage the record is in.
    await runReminderJob({ now: at(createdAt, RECONCILE_AFTER_MS + 1000) });
    await workflow.waitFor(`${id}-r1`, { state: 'AwaitHostApproval' });
    expect(await storedPartnership(id)).toMatchObject({ executionName: `${id}-r1`, executionRestarts: 1 });
    expect((await w.host.admin.post(`/partnerships/${id}/approve`)).status).toBe(200);
    await workflow.waitFor(`${id}-r1`, { state: 'AwaitGuestAcceptance' });
    expect((await w.guest.admin.post(`/partnerships/${id}/accept`, { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(`${id}-r1`, { status: 'SUCCEEDED' });
  });

  it('a lost execution in the guest stage (token registered, then gone) continues after the decision', async () => {
    const w = await hostAndGuest();
    const response = await w.host.admin.post(`/workspaces/${w.host.workspaceId}/partnerships`, {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: emailOf(w.guest.owner),
    });
    const id: string = response.body.partnershipId;
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    // The runner forgets the token (as after a local server restart): the guest declines meanwhile.
    const token = (await storedPartnership(id))!.taskToken as string;
    await workflow.sendTaskFailure(token, 'States.Runtime', 'lost');
    await workflow.waitFor(id, { status: 'FAILED' });
    const declined = await w.guest.owner.post(`/partnerships/${id}/decline`);
    expect(declined.status).toBe(200);
    const declinedAt = declined.body.updatedAt as string;
    // No token for the resend stage shows up: the job restarts the execution, which lands in AwaitResend.
    await runReminderJob({ now: at(declinedAt, RECONCILE_AFTER_MS + 1000) });
    await workflow.waitFor(`${id}-r1`, { state: 'AwaitResend' });
    expect((await w.host.admin.post(`/partnerships/${id}/resend`)).status).toBe(200);
    await workflow.waitFor(`${id}-r1`, { state: 'AwaitGuestAcceptance' });
    expect((await w.guest.owner.post(`/partnerships/${id}/accept`, { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(`${id}-r1`, { status: 'SUCCEEDED' });
  });
});
