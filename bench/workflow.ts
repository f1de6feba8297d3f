/**
 * The local state machine runner (local/workflow-runner.ts) for the bench, and the state transitions
 * of whole partnership lifecycles counted from its event log.
 *
 * The runner is registered behind a thin port that starts and resumes executions outside the
 * request's measurement: deployed, StartExecution/SendTaskSuccess are Step Functions calls and the
 * wait tasks run in their own Lambda, so their DynamoDB calls are not the route's round trips.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../local/router';
import { approvePartnership, type World } from '../test/support/world';
import { unmeasured } from './dynamo-counter';

/** What the bench uses of local/workflow-runner.ts's WorkflowRunner. */
export interface Runner {
  start(name: string, input: Record<string, unknown>): Promise<void>;
  sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<void>;
  transitions(name: string): number;
  path(name: string): string[];
  execution(name: string): { status: string; waitingAt?: string; taskToken?: string } | undefined;
  waitFor(name: string, target: { state: string } | { status: string }, options?: { timeoutMs?: number }): Promise<unknown>;
  stop(): Promise<void>;
}

export interface RunnerHandle {
  runner?: Runner;
  /** Why there is no runner (module missing or failed to start). */
  pending?: string;
  readyMs?: number;
}

const RUNNER_MODULE = 'local/workflow-runner.ts';

export async function startRunner(): Promise<RunnerHandle> {
  if (!existsSync(resolve(REPO_ROOT, RUNNER_MODULE))) return { pending: `${RUNNER_MODULE} not written yet` };
  try {
    const started = performance.now();
    const mod: any = await import(pathToFileURL(resolve(REPO_ROOT, RUNNER_MODULE)).href);
    const port: any = await import(pathToFileURL(resolve(REPO_ROOT, 'shared/workflow/port.ts')).href);
    const create = mod.createWorkflowRunner ?? mod.WorkflowRunner?.create;
    if (typeof create !== 'function' || typeof port.registerLocalWorkflow !== 'function') {
      return { pending: `${RUNNER_MODULE} has no createWorkflowRunner yet` };
    }
    const runner: Runner = await create();
    port.registerLocalWorkflow({
      start: (name: string, input: Record<string, unknown>) => unmeasured(() => runner.start(name, input)),
      sendTaskSuccess: (token: string, output: Record<string, unknown>) => unmeasured(() => runner.sendTaskSuccess(token, output)),
      sendTaskFailure: (token: string, error: string, cause: string) => unmeasured(() => runner.sendTaskFailure(token, error, cause)),
    });
    return { runner, readyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { pending: `runner failed to start: ${(error as Error).message.split('\n')[0]}` };
  }
}

export interface LifecycleResult {
  name: string;
  transitions?: number;
  path?: string[];
  status?: string;
  pending?: string;
}

const WAIT = { timeoutMs: 15_000 };

async function lifecycle(name: string, run: () => Promise<{ id: string; status: string; runner: Runner }>): Promise<LifecycleResult> {
  try {
    const { id, status, runner } = await run();
    return { name, transitions: runner.transitions(id), path: runner.path(id), status };
  } catch (error) {
    return { name, pending: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

/** request -> approve -> accept (host approval required), request -> accept (host admin), and expiry. */
export async function measureLifecycles(handle: RunnerHandle, world: World): Promise<LifecycleResult[]> {
  const names = [
    'request → approve → accept',
    'request (by host admin) → accept',
    'request → expiry (30 days, job sends Expired)',
  ] as const;
  const runner = handle.runner;
  if (!runner) return names.map((name) => ({ name, pending: handle.pending ?? 'no runner' }));

  const finished = async (id: string) => {
    await runner.waitFor(id, { status: 'SUCCEEDED' }, WAIT).catch(() => undefined);
    return { id, status: runner.execution(id)?.status ?? 'unknown', runner };
  };
  return [
    await lifecycle(names[0], async () => {
      const { partnershipId: id, guest } = await world.requestPartnership('member', 'wf-guest');
      await runner.waitFor(id, { state: 'AwaitHostApproval' }, WAIT);
      await approvePartnership(await world.owner(), id);
      await runner.waitFor(id, { state: 'AwaitGuestAcceptance' }, WAIT);
      await world.accept(id, guest.owner);
      return finished(id);
    }),
    await lifecycle(names[1], async () => {
      const { partnershipId: id, guest } = await world.requestPartnership('owner', 'wf-guest');
      await runner.waitFor(id, { state: 'AwaitGuestAcceptance' }, WAIT);
      await world.accept(id, guest.owner);
      return finished(id);
    }),
    await lifecycle(names[2], async () => {
      const { partnershipId: id } = await world.requestPartnership('member', 'wf-guest');
      const waiting: any = await runner.waitFor(id, { state: 'AwaitHostApproval' }, WAIT);
      // What the scheduled job does for a stage undecided for 30 days (docs/WORKFLOW.md).
      await runner.sendTaskFailure(waiting.taskToken, 'Expired', 'undecided for 30 days');
      return finished(id);
    }),
  ];
}
