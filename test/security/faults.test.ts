/**
 * Faults, injected where they happen in production, extending test/integration/partnerships-workflow.test.ts
 * (which covers one failed resume and a failed start):
 *
 * - the workflow resume failing again and again (backoff, then delivered once the workflow answers),
 *   and the expiry's SendTaskFailure failing;
 * - a crash between the decision write and the resume (the request dies before SendTaskSuccess): the
 *   client's retry is 409 invalid_state, the scheduled job (what POST /local/jobs/reminders runs)
 *   completes the resume, the late end of the crashed request changes nothing;
 * - DynamoDB throttling injected into the service's own SDK client (its middleware stack, after the
 *   SDK's retry middleware): transient throttling is absorbed by the SDK's retries; persistent
 *   throttling is a 503 (Retry-After) in the spec's format without internals and nothing half-written (a
 *   transaction, an idempotency lock, a partnership decision); BatchGet's unprocessed keys are retried.
 *
 * Every partnership touched here ends with its record and execution agreeing and one decision per stage.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DAY_MS } from '../../shared/domain/partnership';
import { runReminderJob } from '../../shared/features/jobs/reminder-job';
import { listActivity } from '../../shared/store/activity';
import { dynamoClient } from '../../shared/store/client';
import { send, type Actor, type ApiResponse } from '../support/api';
import { expectError } from '../support/errors';
import { storedPartnership } from '../support/table';
import type { World } from '../support/world';
import { at, useLocalWorkflow } from '../support/workflow';
import { formatProblems, suiteCounters } from './support/harness';
import { describeChanges, diff, snapshot } from './support/snapshot';
import { expectRecordAndWorkflowAgree, quiesce, victimWorld } from './support/worlds';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });
const counters = suiteCounters('faults');
let w: World;

beforeAll(() => {
  w = victimWorld('fault', workflow.runner);
});

const post = (actor: Actor, path: string, body?: unknown, headers?: Record<string, string>) =>
  send({ actor, method: 'POST', path, body: body ?? {}, headers });
const activityOf = async (id: string) => (await listActivity({ kind: 'partnership', id }, { limit: 100 })).items.map((e) => e.action);

/** A 503 the test caused on purpose (persistent throttling): counted apart, checked for the format. */
function expectInjected503(response: ApiResponse) {
  counters.add('injected5xx');
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.body).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
  expect(formatProblems(response).filter((p) => !p.startsWith('5xx'))).toEqual([]);
}

function expectSpecError(response: ApiResponse, status: number, code: string) {
  expect(counters.observe(response)).toEqual([]);
  expectError(response, status, code);
}

/** The record has `status`, and it and the execution agree (waiting where the status says, or ended). */
const expectAgree = (id: string, status: string) => expectRecordAndWorkflowAgree(workflow.runner, id, status);

describe('the workflow resume failing', () => {
  it('keeps failing: the job retries with backoff, delivers once the workflow answers, the decision applies once', async () => {
    const { partnershipId: id } = await w.requestPartnership('member', 'f-guest');
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    let sends = 0;
    const restore = workflow.withPort({
      sendTaskSuccess: async () => {
        sends++;
        throw new Error('Step Functions is unavailable');
      },
    });
    let approvedAt: string;
    try {
      const approved = await post(await w.admin(), `/partnerships/${id}/approve`);
      expect(approved.status).toBe(200);
      approvedAt = approved.body.updatedAt;
      // Two job runs while Step Functions is still down: each tries once and pushes the retry further.
      await runReminderJob({ now: at(approvedAt, 2 * 60_000) });
      const first = (await storedPartnership(id))!.resume;
      expect(first).toMatchObject({ outcome: 'approved', attempts: 1 });
      await runReminderJob({ now: at(approvedAt, 2 * 60_000 + 1000) }); // before retryAt: not tried
      expect(sends).toBe(2);
      await runReminderJob({ now: new Date(Date.parse(first.retryAt) + 1000) });
      expect((await storedPartnership(id))!.resume).toMatchObject({ attempts: 2 });
      expect(Date.parse((await storedPartnership(id))!.resume.retryAt)).toBeGreaterThan(Date.parse(first.retryAt));
      expect(sends).toBe(3);
      // The client retries meanwhile: already decided.
      expectSpecError(await post(await w.owner(), `/partnerships/${id}/approve`), 409, 'invalid_state');
    } finally {
      restore();
    }
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitHostApproval');
    const result = await runReminderJob({ now: at(approvedAt!, DAY_MS) });
    expect(result.resumed).toBeGreaterThanOrEqual(1);
    await expectAgree(id, 'awaiting_guest_acceptance');
    expect((await activityOf(id)).filter((a) => a === 'partnership.approved' || a === 'partnership.host_approved')).toHaveLength(1);
    counters.add('faults');
  });

  it("the expiry's SendTaskFailure failing: recorded expired at once, the workflow ended by a later run", async () => {
    const { partnershipId: id } = await w.requestPartnership('member', 'f-guest');
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    const createdAt = (await storedPartnership(id))!.createdAt as string;
    const restore = workflow.withPort({
      sendTaskFailure: async () => {
        throw new Error('Step Functions is unavailable');
      },
    });
    try {
      await runReminderJob({ now: at(createdAt, 30 * DAY_MS + 1000) });
    } finally {
      restore();
    }
    const expired = await storedPartnership(id);
    expect(expired).toMatchObject({ status: 'expired', resume: { outcome: 'expired' } });
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitHostApproval');
    expectSpecError(await post(await w.admin(), `/partnerships/${id}/approve`), 409, 'invalid_state');
    await runReminderJob({ now: at(createdAt, 31 * DAY_MS) });
    await expectAgree(id, 'expired');
    expect(workflow.path(id).slice(-2)).toEqual(['RecordExpiry', 'Expired']);
    expect((await activityOf(id)).filter((a) => a.includes('expired'))).toHaveLength(1);
    counters.add('faults');
  });
});

describe('a crash between the decision write and the resume', () => {
  it('the retry is 409, the job completes the resume, the late end of the crashed request changes nothing', async () => {
    const { partnershipId: id, guest } = await w.awaitingGuest();
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    // The accepting request "crashes" right after its transaction: it never reaches SendTaskSuccess.
    let release!: () => void;
    const crashed = new Promise<void>((resolve) => (release = resolve));
    let reached = 0;
    let markReached!: () => void;
    const reachedResume = new Promise<void>((resolve) => (markReached = resolve));
    const restore = workflow.withPort({
      sendTaskSuccess: async () => {
        reached++;
        markReached();
        await crashed;
        throw new Error('the function timed out');
      },
    });
    const inFlight = post(guest.owner, `/partnerships/${id}/accept`, { acceptTerms: true });
    try {
      // Bounded by the test's timeout; the request ending first (never reaching the resume) fails at once.
      const first = await Promise.race([
        reachedResume.then(() => 'resuming'),
        inFlight.then((r) => `ended before resuming: ${r.status} ${r.text}`),
      ]);
      expect(first).toBe('resuming');
      expect(reached).toBe(1);
      const written = await storedPartnership(id);
      expect(written).toMatchObject({ status: 'active', resume: { outcome: 'accepted' } });
      // The client gave up and retries: already decided.
      expectSpecError(await post(guest.owner, `/partnerships/${id}/accept`, { acceptTerms: true }), 409, 'invalid_state');
    } finally {
      restore();
    }
    // The scheduled job finds the pending resume and delivers it.
    const result = await runReminderJob({ now: at((await storedPartnership(id))!.updatedAt as string, 2 * 60_000) });
    expect(result.resumed).toBeGreaterThanOrEqual(1);
    await expectAgree(id, 'active');
    const before = await snapshot();
    release();
    const late = await inFlight;
    expect(late.status).toBeLessThan(500);
    await quiesce(workflow.runner);
    expect(diff(before, await snapshot())).toEqual([]);
    expect(workflow.path(id).filter((s) => s === 'GuestDecision')).toHaveLength(1);
    expect((await activityOf(id)).filter((a) => a.includes('accepted'))).toHaveLength(1);
    counters.add('faults');
  });
});

// ---- DynamoDB throttling ---------------------------------------------------------------------------------

const THROTTLE = 'securityTestThrottle';
interface ThrottlePlan {
  /** Which commands (by name) to throttle. */
  commands: string[];
  /** Throttle the first `attempts` attempts of each such call (Infinity: every attempt). */
  attempts: number;
  /** Only calls after this many earlier calls of those commands (0: from the first). */
  skipCalls?: number;
}
let throttled = 0;

function throttle(plan: ThrottlePlan) {
  const attemptsByCall = new WeakMap<object, number>();
  let calls = 0;
  dynamoClient().middlewareStack.addRelativeTo(
    (next: any, context: any) => async (args: any) => {
      if (!plan.commands.includes(context.commandName)) return next(args);
      let seen = attemptsByCall.get(context);
      if (seen === undefined) {
        calls++;
        seen = 0;
      }
      attemptsByCall.set(context, seen + 1);
      if (calls > (plan.skipCalls ?? 0) && seen < plan.attempts) {
        throttled++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400, attempts: seen + 1 },
        });
      }
      return next(args);
    },
    { name: THROTTLE, relation: 'after', toMiddleware: 'retryMiddleware', override: true },
  );
}

/**
 * The service client's own retry strategy (same attempts, throttling classification and retry quota)
 * with its backoff shortened to 1 ms, so that exhausting the retries does not take seconds here.
 */
let restoreBackoff: (() => void) | undefined;
beforeAll(async () => {
  const strategy = await (dynamoClient().config as any).retryStrategy();
  const original = strategy.retryBackoffStrategy;
  strategy.retryBackoffStrategy = { setDelayBase: () => undefined, computeNextBackoffDelay: () => 1 };
  restoreBackoff = () => (strategy.retryBackoffStrategy = original);
});
afterAll(() => restoreBackoff?.());

afterEach(() => {
  dynamoClient().middlewareStack.remove(THROTTLE);
});

describe('DynamoDB throttling', () => {
  it('transient (two throttled attempts per call, of three): the SDK retries absorb it, reads and writes succeed once', async () => {
    const member = await w.member();
    const workspaceId = await w.workspaceId();
    await quiesce(workflow.runner);
    throttle({
      commands: [
        'BatchGetItemCommand',
        'QueryCommand',
        'TransactWriteItemsCommand',
        'PutItemCommand',
        'UpdateItemCommand',
        'GetItemCommand',
      ],
      attempts: 2,
    });
    const before = throttled;
    const name = `Throttled ${randomUUID().slice(0, 8)}`;
    const created = await post(
      member,
      `/workspaces/${workspaceId}/teams`,
      { name, visibility: 'open' },
      { 'Idempotency-Key': randomUUID() },
    );
    expect(created.status, created.text).toBe(201);
    const read = await send({ actor: member, method: 'GET', path: `/teams/${created.body.teamId}` });
    expect(read.status, read.text).toBe(200);
    expect(throttled - before).toBeGreaterThanOrEqual(4);
    dynamoClient().middlewareStack.remove(THROTTLE);
    const list = await send({ actor: member, method: 'GET', path: `/workspaces/${workspaceId}/teams?limit=100` });
    expect((list.body.items as any[]).filter((t) => t.name === name)).toHaveLength(1);
    counters.add('faults');
  });

  it('persistent on the write transaction: 503 with Retry-After in the spec format without internals, nothing written, no idempotency lock left', async () => {
    const member = await w.member();
    const workspaceId = await w.workspaceId();
    const headers = { 'Idempotency-Key': randomUUID() };
    const body = { name: `Never ${randomUUID().slice(0, 8)}`, visibility: 'open' };
    await quiesce(workflow.runner);
    const before = await snapshot();
    throttle({ commands: ['TransactWriteItemsCommand'], attempts: Infinity });
    const refused = await post(member, `/workspaces/${workspaceId}/teams`, body, headers);
    dynamoClient().middlewareStack.remove(THROTTLE);
    expectInjected503(refused);
    const changes = diff(before, await snapshot());
    expect(changes, describeChanges(changes)).toEqual([]);
    // The same key works once the table answers again (no stale in-progress lock).
    const retried = await post(member, `/workspaces/${workspaceId}/teams`, body, headers);
    expect(retried.status, retried.text).toBe(201);
    counters.add('faults');
  });

  it('persistent on a partnership decision: 503, the record and the execution untouched; the decision applies once afterwards', async () => {
    const { partnershipId: id } = await w.requestPartnership('member', 'f-guest');
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    await quiesce(workflow.runner);
    const before = await snapshot();
    throttle({ commands: ['TransactWriteItemsCommand'], attempts: Infinity });
    const refused = await post(await w.admin(), `/partnerships/${id}/approve`);
    dynamoClient().middlewareStack.remove(THROTTLE);
    expectInjected503(refused);
    expect(diff(before, await snapshot())).toEqual([]);
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitHostApproval');
    expect((await post(await w.admin(), `/partnerships/${id}/approve`)).status).toBe(200);
    await expectAgree(id, 'awaiting_guest_acceptance');
    counters.add('faults');
  });

  it('throttled after the decision was applied (clearing the delivered resume): the caller is not told it failed, the job tidies up', async () => {
    const { partnershipId: id } = await w.requestPartnership('member', 'f-guest');
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    await quiesce(workflow.runner);
    // The decision's transaction passes; the next one (clearing the delivered resume) is throttled.
    throttle({ commands: ['TransactWriteItemsCommand'], attempts: Infinity, skipCalls: 1 });
    const approved = await post(await w.admin(), `/partnerships/${id}/approve`);
    dynamoClient().middlewareStack.remove(THROTTLE);
    expect(counters.observe(approved)).toEqual([]);
    expect(approved.status, `the decision is recorded and the workflow resumed: ${approved.text}`).toBe(200);
    await quiesce(workflow.runner);
    expect(workflow.execution(id)?.waitingAt).toBe('AwaitGuestAcceptance');
    // The stale resume is tidied by the job (its token is closed: counted as done).
    await runReminderJob({ now: at((await storedPartnership(id))!.updatedAt as string, 2 * 60_000) });
    await expectAgree(id, 'awaiting_guest_acceptance');
    counters.add('faults');
  });

  it("BatchGet's unprocessed keys (as under throttling) are fetched again: the read succeeds", async () => {
    const member = await w.member();
    const team = await w.team();
    let faked = 0;
    dynamoClient().middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        if (context.commandName === 'BatchGetItemCommand' && faked < 2) {
          faked++;
          const requestItems = args.input.RequestItems;
          return {
            output: {
              Responses: Object.fromEntries(Object.keys(requestItems).map((t) => [t, []])),
              UnprocessedKeys: requestItems,
              $metadata: {},
            },
          };
        }
        return next(args);
      },
      { name: THROTTLE, step: 'initialize', priority: 'high', override: true },
    );
    const read = await send({ actor: member, method: 'GET', path: `/teams/${team}` });
    expect(faked).toBe(2);
    expect(read.status, read.text).toBe(200);
    counters.add('faults');
  });
});
