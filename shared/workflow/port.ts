import { config } from '../config';
import { awsWorkflow } from './sfn';

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

export { TaskClosedError } from './errors';

let localPort: WorkflowPort | undefined;
/** Local mode only: local/runtime.ts registers the in-process runner here. */
export function registerLocalWorkflow(port: WorkflowPort | undefined): void {
  localPort = port;
}
export function localWorkflow(): WorkflowPort | undefined {
  return localPort;
}

/**
 * The workflow port handlers use: the in-process runner in SERVICE_MODE=local (registered by
 * local/runtime.ts or test/support/workflow.ts), AWS Step Functions otherwise.
 */
export function workflow(): WorkflowPort {
  if (config().mode === 'local') {
    if (!localPort) throw new Error('No local workflow runner is registered (local/runtime.ts or test/support/workflow.ts starts one).');
    return localPort;
  }
  return awsWorkflow;
}
