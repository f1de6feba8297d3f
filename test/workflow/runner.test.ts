/**
 * The synthesized state machine, run locally with stub task handlers: tokens minted per wait task,
 * success resumes, 'Expired' routes to RecordExpiry, closed tokens throw, transitions counted.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { TaskClosedError } from '../../shared/workflow/port';
import { MAX_LOCAL_TIMEOUT_SECONDS } from '../../local/workflow-definition';
import { useLocalWorkflow } from '../support/workflow';

type AwaitEvent = { partnershipId: string; stage: string; taskToken: string };
const awaited: AwaitEvent[] = [];
const expiries: any[] = [];
/** Per partnership: what the stub does when a wait task registers (default: just waits). */
const behaviour = new Map<string, (event: AwaitEvent) => Promise<void>>();
const failuresLeft = new Map<string, number>();

const awaitStub = async (event: AwaitEvent) => {
  awaited.push(event);
  const left = failuresLeft.get(event.partnershipId) ?? 0;
  if (left > 0) {
    failuresLeft.set(event.partnershipId, left - 1);
    throw new Error('transient');
  }
  await behaviour.get(event.partnershipId)?.(event);
};

const workflow = useLocalWorkflow({
  handlers: {
    AwaitHostApproval: awaitStub,
    AwaitGuestAcceptance: awaitStub,
    AwaitResend: awaitStub,
    RecordExpiry: async (event: any) => {
      expiries.push(event);
      return { expired: true };
    },
  },
  retryIntervalMs: 5,
});

const tokenOf = (id: string, stage: string) => [...awaited].reverse().find((e) => e.partnershipId === id && e.stage === stage)!.taskToken;

describe('local workflow runner (synthesized definition)', () => {
  it('runs request -> approve -> accept in 6 state transitions, with a fresh token per wait', async () => {
    const id = `ps-${randomUUID()}`;
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: true });
    const waiting = await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const hostToken = tokenOf(id, 'host_approval');
    expect(waiting.taskToken).toBe(hostToken);
    expect(hostToken).not.toBe('__LOCAL_TASK_TOKEN__');

    await workflow.sendTaskSuccess(hostToken, { outcome: 'approved' });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    const guestToken = tokenOf(id, 'guest_acceptance');
    expect(guestToken).not.toBe(hostToken);
    // The host stage's token is closed now.
    await expect(workflow.sendTaskSuccess(hostToken, { outcome: 'approved' })).rejects.toBeInstanceOf(TaskClosedError);

    await workflow.sendTaskSuccess(guestToken, { outcome: 'accepted' });
    const done = await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual([
      'NeedsHostApproval?',
      'AwaitHostApproval',
      'HostDecision',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'Active',
    ]);
    expect(workflow.transitions(id)).toBe(6);
    expect((done.output as any).decision).toEqual({ outcome: 'accepted' });
    await expect(workflow.sendTaskSuccess(guestToken, { outcome: 'accepted' })).rejects.toBeInstanceOf(TaskClosedError);
  });

  it('skips host approval when not required', async () => {
    const id = `ps-${randomUUID()}`;
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: false });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect(awaited.filter((e) => e.partnershipId === id).map((e) => e.stage)).toEqual(['guest_acceptance']);
    await workflow.sendTaskSuccess(tokenOf(id, 'guest_acceptance'), { outcome: 'cancelled' });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id).at(-1)).toBe('Cancelled');
  });

  it("routes an 'Expired' task failure to RecordExpiry, then Expired", async () => {
    const id = `ps-${randomUUID()}`;
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: true });
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const token = tokenOf(id, 'host_approval');
    await workflow.sendTaskFailure(token, 'Expired', 'undecided for 30 days');
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitHostApproval', 'RecordExpiry', 'Expired']);
    expect(expiries.find((e) => e.partnershipId === id)).toEqual({
      partnershipId: id,
      error: { Error: 'Expired', Cause: 'undecided for 30 days' },
      // Every task gets the execution's input (its correlation id, SPEC §1).
      execution: { partnershipId: id, hostApprovalRequired: true },
    });
    await expect(workflow.sendTaskFailure(token, 'Expired', 'again')).rejects.toBeInstanceOf(TaskClosedError);
  });

  it('loops guest decline -> resend -> acceptance', async () => {
    const id = `ps-${randomUUID()}`;
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: false });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    await workflow.sendTaskSuccess(tokenOf(id, 'guest_acceptance'), { outcome: 'declined' });
    await workflow.waitFor(id, { state: 'AwaitResend' });
    await workflow.sendTaskSuccess(tokenOf(id, 'resend'), { outcome: 'resent' });
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    await workflow.sendTaskSuccess(tokenOf(id, 'guest_acceptance'), { outcome: 'accepted' });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual([
      'NeedsHostApproval?',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'AwaitResend',
      'ResendDecision',
      'AwaitGuestAcceptance',
      'GuestDecision',
      'Active',
    ]);
  });

  it('lets the wait task answer its own token at once (decision recorded before registration)', async () => {
    const id = `ps-${randomUUID()}`;
    behaviour.set(id, async (event) => {
      if (event.stage === 'host_approval') await workflow.sendTaskSuccess(event.taskToken, { outcome: 'declined' });
    });
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: true });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitHostApproval', 'HostDecision', 'DeclinedByHost']);
  });

  it('starts one execution per name (idempotent start)', async () => {
    const id = `ps-${randomUUID()}`;
    await Promise.all([
      workflow.start(id, { partnershipId: id, hostApprovalRequired: true }),
      workflow.start(id, { partnershipId: id, hostApprovalRequired: true }),
    ]);
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: true });
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect(awaited.filter((e) => e.partnershipId === id)).toHaveLength(1);
    await workflow.sendTaskSuccess(tokenOf(id, 'host_approval'), { outcome: 'removed' });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
  });

  it('throws TaskClosedError for an unknown token', async () => {
    await expect(workflow.sendTaskSuccess('local-nope', { outcome: 'approved' })).rejects.toBeInstanceOf(TaskClosedError);
    await expect(workflow.sendTaskFailure('local-nope', 'Expired', 'x')).rejects.toBeInstanceOf(TaskClosedError);
  });

  it('retries a failing wait task, then waits with a fresh token', async () => {
    const id = `ps-${randomUUID()}`;
    failuresLeft.set(id, 2);
    await workflow.start(id, { partnershipId: id, hostApprovalRequired: true });
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const calls = awaited.filter((e) => e.partnershipId === id);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.taskToken)).size).toBe(3);
    expect(workflow.history(id).filter((e) => e.type === 'StateRetried')).toHaveLength(2);
    // Tokens of the failed attempts are closed.
    await expect(workflow.sendTaskSuccess(calls[0]!.taskToken, { outcome: 'approved' })).rejects.toBeInstanceOf(TaskClosedError);
    await workflow.sendTaskSuccess(calls[2]!.taskToken, { outcome: 'cancelled' });
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
  });

  it('ends in RecordFailure when retries are exhausted or an outcome is unknown', async () => {
    const exhausted = `ps-${randomUUID()}`;
    failuresLeft.set(exhausted, 10);
    await workflow.start(exhausted, { partnershipId: exhausted, hostApprovalRequired: true });
    const failed = await workflow.waitFor(exhausted, { status: 'FAILED' });
    expect(failed.error?.Error).toBe('WorkflowFailed');
    expect(workflow.path(exhausted).at(-1)).toBe('RecordFailure');

    const unknown = `ps-${randomUUID()}`;
    await workflow.start(unknown, { partnershipId: unknown, hostApprovalRequired: false });
    await workflow.waitFor(unknown, { state: 'AwaitGuestAcceptance' });
    await workflow.sendTaskSuccess(tokenOf(unknown, 'guest_acceptance'), { outcome: 'maybe' });
    await workflow.waitFor(unknown, { status: 'FAILED' });
    expect(workflow.path(unknown).slice(-2)).toEqual(['GuestDecision', 'RecordFailure']);
  });

  it('clamps only the wait timeouts beyond what Node timers hold', () => {
    const states = workflow.runner.definition.States as Record<string, { TimeoutSeconds?: number }>;
    for (const name of ['AwaitHostApproval', 'AwaitGuestAcceptance', 'AwaitResend']) {
      expect(states[name]?.TimeoutSeconds).toBe(MAX_LOCAL_TIMEOUT_SECONDS);
    }
    expect(states.RecordExpiry?.TimeoutSeconds).toBe(60);
  });
});
