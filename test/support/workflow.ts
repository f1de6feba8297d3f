/**
 * The local workflow runner for a test file: synthesizes the state machine from the CDK stack, runs
 * it in-process with its Lambda tasks bound to the real handler modules, and registers it as the
 * workflow port (so routes calling `workflow()` start and resume executions on it).
 *
 *   import { useLocalWorkflow } from '../support/workflow';
 *   const workflow = useLocalWorkflow();          // top level of the test file: beforeAll/afterAll
 *
 *   it('...', async () => {
 *     // ... POST /workspaces/{hostId}/partnerships -> id (execution name = partnership id)
 *     await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' }); // token registered, waiting
 *     // ... POST /partnerships/{id}/accept
 *     await workflow.waitFor(id, { status: 'SUCCEEDED' });
 *     expect(workflow.path(id)).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance', 'GuestDecision', 'Active']);
 *     expect(workflow.transitions(id)).toBe(4);
 *   });
 *
 * Faults: `const restore = workflow.withPort({ sendTaskSuccess: failing })` puts the runner behind the
 * workflow port with some of its calls replaced; `restore()` registers the plain runner again.
 * Options: `useLocalWorkflow({ handlers: { AwaitHostApproval: stub } })` replaces a task's handler;
 * `retryIntervalMs` shortens retry backoff. waitFor rejects (with the execution's path) when the
 * target can no longer be reached or after `timeoutMs` (default 10 s).
 * The synthesized definition is cached per worker process (one synth, ~1-3 s, per test file).
 */
import { afterAll, beforeAll } from 'vitest';
import { registerLocalWorkflow, type WorkflowPort } from '../../shared/workflow/port';
import { createWorkflowRunner, type WorkflowRunner, type WorkflowRunnerOptions } from '../../local/workflow-runner';
import { loadWorkflowDefinition, type LoadedDefinition } from '../../local/workflow-definition';

let cachedDefinition: LoadedDefinition['definition'] | undefined;
/** The synthesized definition (one synth per worker process). */
export function synthesizedDefinition(): LoadedDefinition['definition'] {
  cachedDefinition ??= loadWorkflowDefinition().definition;
  return structuredClone(cachedDefinition);
}

/** `ms` after the ISO instant `iso` (a clock for the scheduled job: `runReminderJob({ now: at(createdAt, DAY_MS) })`). */
export const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

export interface LocalWorkflow extends Pick<
  WorkflowRunner,
  'waitFor' | 'history' | 'transitions' | 'path' | 'execution' | 'start' | 'sendTaskSuccess' | 'sendTaskFailure'
> {
  /** The runner itself (after beforeAll). */
  readonly runner: WorkflowRunner;
  /** Registers the runner as the workflow port with some of its calls replaced; returns the restore function. */
  withPort(override: Partial<WorkflowPort>): () => void;
}

export function useLocalWorkflow(options: Omit<WorkflowRunnerOptions, 'definition'> = {}): LocalWorkflow {
  let runner: WorkflowRunner | undefined;
  beforeAll(async () => {
    runner = await createWorkflowRunner({ ...options, definition: synthesizedDefinition() });
    registerLocalWorkflow(runner);
  });
  afterAll(async () => {
    registerLocalWorkflow(undefined);
    await runner?.stop();
  });
  const current = () => {
    if (!runner) throw new Error('the local workflow runner starts in beforeAll');
    return runner;
  };
  return {
    get runner() {
      return current();
    },
    waitFor: (...args) => current().waitFor(...args),
    history: (...args) => current().history(...args),
    transitions: (...args) => current().transitions(...args),
    path: (...args) => current().path(...args),
    execution: (...args) => current().execution(...args),
    start: (...args) => current().start(...args),
    sendTaskSuccess: (...args) => current().sendTaskSuccess(...args),
    sendTaskFailure: (...args) => current().sendTaskFailure(...args),
    withPort(override) {
      const runner = current();
      registerLocalWorkflow({
        start: (name, input) => (override.start ?? runner.start.bind(runner))(name, input),
        sendTaskSuccess: (token, output) => (override.sendTaskSuccess ?? runner.sendTaskSuccess.bind(runner))(token, output),
        sendTaskFailure: (token, error, cause) => (override.sendTaskFailure ?? runner.sendTaskFailure.bind(runner))(token, error, cause),
      });
      return () => registerLocalWorkflow(runner);
    },
  };
}
