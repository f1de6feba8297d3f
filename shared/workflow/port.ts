/**
 * The workflow as the rest of the service sees it. Deployed: AWS Step Functions (SFN SDK client,
 * module scope). Locally: the in-process runner of local/workflow-runner.ts, registered at start.
 * Handlers call these functions and run unchanged in both.
 */
export interface WorkflowPort {
  /** StartExecution; idempotent per executionName (same name and input: no second execution). */
  start(executionName: string, input: Record<string, unknown>): Promise<void>;
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Thrown by sendTaskSuccess/Failure when the token's task is already closed (done, timed out). */
export class TaskClosedError extends Error {
  constructor(message = 'task already closed') {
    super(message);
    this.name = 'TaskClosedError';
  }
}

let localPort: WorkflowPort | undefined;
/** Local mode only: local/runtime.ts registers the in-process runner here. */
export function registerLocalWorkflow(port: WorkflowPort | undefined): void {
  localPort = port;
}
export function localWorkflow(): WorkflowPort | undefined {
  return localPort;
}
