/**
 * The state machine, locally: runs the definition CDK synthesizes (local/workflow-definition.ts) with
 * aws-local-stepfunctions, its Lambda tasks bound to the same handler modules the deployed functions
 * run (shared/workflow/tasks.ts), and implements the WorkflowPort the handlers call.
 *
 * - `.waitForTaskToken` tasks: the runner's Context Object has no Task.Token, so the run gets a
 *   placeholder token in its context; the task override replaces it in the payload with a freshly
 *   minted token, calls the handler, and waits until sendTaskSuccess/sendTaskFailure settles that token.
 * - sendTaskFailure(token, error, cause) fails the task with that error name (a Catch on `Expired`
 *   matches it), like Step Functions.
 * - An unknown or closed token throws TaskClosedError. Executions live as long as the process.
 * - Each execution keeps an event log (state entered/exited/failed/caught, execution end):
 *   `history(name)`, `transitions(name)`.
 */
import { randomBytes } from 'node:crypto';
import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { TaskClosedError, type WorkflowPort } from '../shared/workflow/port';
import { taskForState, WORKFLOW_TASKS } from '../shared/workflow/tasks';
import { lambdaContext, loadHandler, type LambdaHandler } from './router';
import { loadWorkflowDefinition } from './workflow-definition';

/** A JSON value, as executions, tasks and the runner's overrides pass them. */
type JSONValue = Parameters<StateMachine['run']>[0];
type Run = ReturnType<StateMachine['run']>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface HistoryEvent {
  type: string;
  state?: string;
  at: number;
  error?: string;
  cause?: unknown;
}

export interface ExecutionSnapshot {
  name: string;
  status: ExecutionStatus;
  input: Record<string, unknown>;
  output?: unknown;
  error?: { Error: string; Cause: unknown };
  /** The wait state whose task token is open (its handler has returned), if any. */
  waitingAt?: string;
  taskToken?: string;
  history: HistoryEvent[];
}

export type WaitTarget = { state: string } | { status: ExecutionStatus };

export interface WorkflowRunnerOptions {
  /** Definition to run (default: synthesized from the CDK stack). */
  definition?: StateMachineDefinition;
  /** Handlers by state name, in place of the modules of shared/workflow/tasks.ts (tests). */
  handlers?: Record<string, LambdaHandler>;
  /** Milliseconds between retries instead of the definition's backoff (tests of failure paths). */
  retryIntervalMs?: number;
}

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';

interface OpenToken {
  execution: Execution;
  state: string;
  resolve: (output: JSONValue) => void;
  reject: (error: Error) => void;
}

interface Execution {
  name: string;
  status: ExecutionStatus;
  input: Record<string, unknown>;
  output?: unknown;
  error?: { Error: string; Cause: unknown };
  waiting?: { state: string; token: string };
  history: HistoryEvent[];
  abort: () => void;
}

function ensurePolyfill() {
  // aws-local-stepfunctions calls Promise.withResolvers (ES2024: Node 22+; lib ES2023 does not declare it).
  const P = Promise as PromiseConstructor & { withResolvers?: unknown };
  if (typeof P.withResolvers !== 'function') {
    P.withResolvers = function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    };
  }
}

/** The JSON form of a value, as Lambda and Step Functions pass it (undefined becomes null). */
function toJson(value: unknown): JSONValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JSONValue);
}

/** The Payload field of a task's input (lambda:invoke integrations), if any. */
function payloadOf(input: JSONValue): JSONValue | undefined {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? input.Payload : undefined;
}

/** Runs `body` at once and returns a promise it settles: a throw rejects it, as in an async function. */
function settledBy(body: () => void): Promise<void> {
  return new Promise((resolve) => {
    body();
    resolve();
  });
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

/** A task failure with a given error name, as Step Functions reports it (Catch matches the name). */
class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class WorkflowRunner implements WorkflowPort {
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, OpenToken>();
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  private constructor(
    private readonly machine: StateMachine,
    readonly definition: StateMachineDefinition,
    private readonly options: WorkflowRunnerOptions,
    /** Time to synthesize and prepare the definition (ms). */
    readonly timings: { synthMs: number; readyMs: number },
  ) {}

  static async create(options: WorkflowRunnerOptions = {}): Promise<WorkflowRunner> {
    const started = performance.now();
    ensurePolyfill();
    const { StateMachine } = await import('aws-local-stepfunctions');
    let synthMs = 0;
    let definition = options.definition;
    if (!definition) {
      const loaded = loadWorkflowDefinition();
      definition = loaded.definition;
      synthMs = loaded.synthMs;
    }
    // Every Task must be bound locally: a Task without an override would call real AWS.
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' && !taskForState(name) && !options.handlers?.[name]) {
        throw new Error(`Task state ${name} has no local handler (add it to shared/workflow/tasks.ts)`);
      }
    }
    // Validation mutates the definition and costs 0.2-0.5 s: once, on a clone.
    new StateMachine(structuredClone(definition));
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    return new WorkflowRunner(machine, definition, options, { synthMs, readyMs: Math.round(performance.now() - started) });
  }

  // ---- WorkflowPort ----------------------------------------------------------------------------

  start(executionName: string, input: Record<string, unknown>): Promise<void> {
    return settledBy(() => {
      this.startExecution(executionName, input);
    });
  }

  private startExecution(executionName: string, input: Record<string, unknown>): void {
    if (this.stopped) throw new Error('the local workflow runner is stopped');
    if (this.executions.has(executionName)) return; // idempotent per name, like StartExecution
    const execution: Execution = { name: executionName, status: 'RUNNING', input, history: [], abort: () => undefined };
    this.executions.set(executionName, execution);

    const overrides: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
    for (const [name, state] of Object.entries(this.definition.States)) {
      if (state.Type === 'Task') overrides[name] = (taskInput) => this.runTask(execution, name, state, taskInput);
    }
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.options.retryIntervalMs !== undefined) {
      for (const [name, state] of Object.entries(this.definition.States)) {
        if ('Retry' in state && state.Retry) retryIntervalOverrides[name] = this.options.retryIntervalMs;
      }
    }
    // The execution input as StartExecution sends it: JSON.
    const run = this.machine.run(toJson(input), {
      overrides: { taskResourceLocalHandlers: overrides, retryIntervalOverrides },
      context: {
        Execution: {
          Id: `arn:aws:states:local:000000000000:execution:ApprovalWorkflow:${executionName}`,
          Name: executionName,
          Input: toJson(input),
        },
        StateMachine: { Id: 'arn:aws:states:local:000000000000:stateMachine:ApprovalWorkflow', Name: 'ApprovalWorkflow' },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    execution.abort = run.abort;
    const logged = this.consumeEvents(execution, run.eventLogs);
    run.result.then(
      async (output) => {
        await logged;
        this.finish(execution, 'SUCCEEDED', { output });
      },
      async (error: unknown) => {
        await logged;
        const thrown = error instanceof Error ? error : undefined;
        const aborted = thrown?.name === 'ExecutionAbortedError' || execution.status === 'ABORTED';
        const failed = [...execution.history].reverse().find((e) => e.type === 'ExecutionFailed');
        this.finish(execution, aborted ? 'ABORTED' : 'FAILED', {
          error: { Error: failed?.error ?? thrown?.name ?? 'Error', Cause: failed?.cause ?? thrown?.message },
        });
      },
    );
  }

  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    return settledBy(() => {
      this.take(taskToken).resolve(toJson(output));
    });
  }

  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    return settledBy(() => {
      this.take(taskToken).reject(new TaskFailure(error, cause));
    });
  }

  // ---- inspection (tests, local endpoints, benchmark) -------------------------------------------

  execution(executionName: string): ExecutionSnapshot | undefined {
    const e = this.executions.get(executionName);
    if (!e) return undefined;
    return {
      name: e.name,
      status: e.status,
      input: e.input,
      output: e.output,
      error: e.error,
      waitingAt: e.waiting?.state,
      taskToken: e.waiting?.token,
      history: [...e.history],
    };
  }

  history(executionName: string): HistoryEvent[] {
    return [...(this.executions.get(executionName)?.history ?? [])];
  }

  /** State transitions so far (states entered), as Step Functions bills them. */
  transitions(executionName: string): number {
    return this.history(executionName).filter((e) => e.type === 'StateEntered').length;
  }

  /** Names of the states entered, in order. */
  path(executionName: string): string[] {
    return this.history(executionName).flatMap((e) => (e.type === 'StateEntered' && e.state !== undefined ? [e.state] : []));
  }

  executionNames(): string[] {
    return [...this.executions.keys()];
  }

  /**
   * Resolves when the execution waits at `state` (its token open and the handler returned) or has
   * reached `status`; rejects when that can no longer happen or after `timeoutMs`.
   */
  waitFor(executionName: string, target: WaitTarget, options: { timeoutMs?: number } = {}): Promise<ExecutionSnapshot> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const describe = () => {
        const e = this.execution(executionName);
        return e
          ? `status ${e.status}, waiting at ${e.waitingAt ?? '-'}, path ${this.path(executionName).join(' > ')}${e.error ? `, error ${e.error.Error}: ${String(e.error.Cause)}` : ''}`
          : 'no such execution';
      };
      const check = () => {
        const e = this.execution(executionName);
        if (!e) return false;
        if ('state' in target) {
          if (e.waitingAt === target.state) return done(() => resolve(e));
          if (e.status !== 'RUNNING')
            return done(() => reject(new Error(`${executionName} ended before waiting at ${target.state}: ${describe()}`)));
          return false;
        }
        if (e.status === target.status) return done(() => resolve(e));
        if (e.status !== 'RUNNING')
          return done(() => reject(new Error(`${executionName} ended ${e.status}, not ${target.status}: ${describe()}`)));
        return false;
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${executionName} to reach ${JSON.stringify(target)}: ${describe()}`))),
        timeoutMs,
      );
      const listener = () => void check();
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        settle();
        return true;
      };
      if (!check()) this.listeners.add(listener);
    });
  }

  /** Aborts every running execution and closes their tokens (process shutdown, end of a test file). */
  stop(): Promise<void> {
    return settledBy(() => {
      this.stopped = true;
      for (const [token, open] of this.tokens) {
        this.tokens.delete(token);
        open.execution.status = 'ABORTED';
        open.reject(new TaskFailure('States.Runtime', 'runner stopped'));
      }
      for (const execution of this.executions.values()) {
        if (execution.status === 'RUNNING') {
          execution.status = 'ABORTED';
          execution.abort();
        }
      }
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  private take(taskToken: string): OpenToken {
    const open = this.tokens.get(taskToken);
    if (!open) throw new TaskClosedError(`task token is unknown or its task is closed`);
    this.tokens.delete(taskToken);
    if (open.execution.waiting?.token === taskToken) open.execution.waiting = undefined;
    this.notify();
    return open;
  }

  private handlerFor(stateName: string): Promise<LambdaHandler> {
    const stub = this.options.handlers?.[stateName];
    if (stub) return Promise.resolve(stub);
    const task = taskForState(stateName);
    if (!task) throw new Error(`no local handler for state ${stateName}`);
    return loadHandler(task.entry);
  }

  private async invoke(stateName: string, payload: unknown): Promise<JSONValue> {
    const handler = await this.handlerFor(stateName);
    const functionId = taskForState(stateName)?.functionId ?? stateName;
    try {
      const result = await handler(payload, lambdaContext(functionId));
      return toJson(result);
    } catch (error) {
      // As Lambda reports a function error: errorType is the error's name.
      const name = error instanceof Error ? error.name || 'Error' : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      throw new TaskFailure(name, JSON.stringify({ errorType: name, errorMessage: message }));
    }
  }

  private async runTask(execution: Execution, stateName: string, state: { Resource: string }, input: JSONValue): Promise<JSONValue> {
    const resource = state.Resource;
    if (resource.endsWith(':lambda:invoke.waitForTaskToken')) {
      const token = `local-${randomBytes(18).toString('base64url')}`;
      const settled = new Promise<JSONValue>((resolve, reject) => {
        // Registered before the handler runs: it may answer its own token at once.
        this.tokens.set(token, { execution, state: stateName, resolve, reject });
      });
      // Settled (e.g. by stop()) before it is returned below: not an unhandled rejection.
      settled.catch(() => undefined);
      try {
        await this.invoke(stateName, replaceDeep(payloadOf(input), TOKEN_PLACEHOLDER, token));
      } catch (error) {
        this.tokens.delete(token);
        throw error;
      }
      if (this.tokens.has(token)) {
        execution.waiting = { state: stateName, token };
        this.notify();
      }
      return settled;
    }
    if (resource.endsWith(':lambda:invoke')) {
      const payload = await this.invoke(stateName, payloadOf(input));
      return { Payload: payload, StatusCode: 200, ExecutedVersion: '$LATEST' };
    }
    if (resource.startsWith('arn:aws:lambda:')) return this.invoke(stateName, input); // payloadResponseOnly
    throw new Error(`unsupported task resource ${resource} in state ${stateName}`);
  }

  private async consumeEvents(execution: Execution, events: Run['eventLogs']): Promise<void> {
    for await (const event of events) {
      const entry: HistoryEvent = { type: event.type, at: event.timestamp };
      if ('state' in event && event.state.name) entry.state = event.state.name;
      if ('Error' in event) {
        entry.error = event.Error;
        entry.cause = event.Cause;
      }
      execution.history.push(entry);
      if (entry.state && entry.type === 'StateFailed') {
        // A task that timed out or failed: its token no longer answers. (StateFailed is logged before
        // the retry's backoff timer, so a retry's new token is never minted before this runs.)
        for (const [token, open] of this.tokens) {
          if (open.execution === execution && open.state === entry.state) this.tokens.delete(token);
        }
        if (execution.waiting?.state === entry.state) execution.waiting = undefined;
      }
    }
  }

  private finish(execution: Execution, status: ExecutionStatus, result: { output?: unknown; error?: Execution['error'] }) {
    if (execution.status === 'RUNNING' || status === 'ABORTED') execution.status = status;
    execution.waiting = undefined;
    execution.output = result.output;
    execution.error = result.error;
    for (const [token, open] of this.tokens) if (open.execution === execution) this.tokens.delete(token);
    this.notify();
  }

  private notify() {
    // After pending microtasks (the event log consumer) have run.
    setImmediate(() => {
      for (const listener of [...this.listeners]) listener();
    });
  }
}

export async function createWorkflowRunner(options: WorkflowRunnerOptions = {}): Promise<WorkflowRunner> {
  return WorkflowRunner.create(options);
}

export { WORKFLOW_TASKS };
