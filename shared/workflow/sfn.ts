/**
 * The deployed WorkflowPort: AWS Step Functions through one module-scope SFN client.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '../config';
import { TaskClosedError } from './errors';
import type { WorkflowPort } from './port';

let client: SFNClient | undefined;
function sfn(): SFNClient {
  client ??= new SFNClient({ region: config().region });
  return client;
}

/** Errors meaning "that task no longer waits": the decision is already applied or timed out. */
const CLOSED = new Set(['TaskDoesNotExist', 'TaskTimedOut']);

function closedOr(error: unknown): never {
  if (error instanceof Error && CLOSED.has(error.name)) throw new TaskClosedError(`${error.name}: ${error.message}`);
  throw error;
}

export const awsWorkflow: WorkflowPort = {
  async start(executionName, input) {
    const stateMachineArn = config().stateMachineArn;
    if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
    try {
      await sfn().send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    } catch (error) {
      // Same name and input while running: AWS answers success itself. A closed execution of that
      // name (or another input) answers ExecutionAlreadyExists: the execution was started, which is
      // what the caller asked for (execution names are never reused for another partnership).
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  },
  async sendTaskSuccess(taskToken, output) {
    try {
      await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    } catch (error) {
      closedOr(error);
    }
  },
  async sendTaskFailure(taskToken, error, cause) {
    try {
      await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
    } catch (failure) {
      closedOr(failure);
    }
  },
};
