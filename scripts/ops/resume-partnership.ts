/**
 * Finds and resumes a partnership whose workflow and record disagree (docs/OPERATIONS.md, "Resuming a
 * partnership whose workflow and record disagree"):
 *
 *   TABLE_NAME=... STATE_MACHINE_ARN=... AWS_REGION=... \
 *     npx tsx scripts/ops/resume-partnership.ts <partnershipId> [--dry-run]
 *
 * Reads the partnership record (DynamoDB) and its execution (Step Functions DescribeExecution), asks
 * shared/domain/workflow-repair.ts what to do, prints it, and (without --dry-run) does it with the
 * service's own use cases: sends the owed task success/failure (deliverResume), restarts the execution
 * at the record's stage (restartExecution: `<id>-r<n>`, recorded in the activity log), or stops an
 * execution that waits for a final record. Every line it prints is JSON, with its correlation id, which
 * the new execution and the activity entry carry too.
 */
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { UseCaseContext, newCorrelationId } from '../../shared/context';
import { decideRepair, type ExecutionState } from '../../shared/domain/workflow-repair';
import { restartExecution } from '../../shared/features/partnerships/due';
import { deliverResume } from '../../shared/features/partnerships/workflow';

// This script lists nothing, so it signs no cursor: the cursor key is not needed (never a real one here).
process.env.CURSOR_SECRET ??= 'unused-by-resume-partnership';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const partnershipId = args.find((a) => !a.startsWith('--'));
const stateMachineArn = process.env.STATE_MACHINE_ARN;
const correlationId = `ops-resume-${newCorrelationId()}`;
const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ correlationId, partnershipId, ...line }));

if (!partnershipId || !stateMachineArn || !process.env.TABLE_NAME) {
  console.error('usage: TABLE_NAME=<table> STATE_MACHINE_ARN=<arn> npx tsx scripts/ops/resume-partnership.ts <partnershipId> [--dry-run]');
  process.exit(2);
}

/** The ARN of an execution of the state machine, by name. */
const executionArnOf = (machineArn: string, executionName: string) =>
  `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;

const sfn = new SFNClient({});
async function describe(executionArn: string): Promise<ExecutionState> {
  try {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status ?? 'NOT_FOUND';
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return 'NOT_FOUND';
    throw error;
  }
}

const ctx = UseCaseContext.forSystem('system:operator', new Date(), correlationId);
const record = await ctx.store.partnerships.get(partnershipId);
if (!record) {
  print({ found: false, message: 'no partnership with this id' });
  process.exit(1);
}
const executionArn = executionArnOf(stateMachineArn, record.executionName);
const execution = await describe(executionArn);
const plan = decideRepair(record, execution);
print({
  status: record.status,
  executionArn,
  execution,
  taskToken: record.taskToken ? 'registered' : 'none',
  resume: record.resume?.outcome ?? null,
  ...plan,
  dryRun,
});

if (!dryRun) {
  switch (plan.action) {
    case 'send-resume':
      print({ done: (await deliverResume(ctx, record)) ? 'resume delivered' : 'resume not delivered: still owed (the job retries)' });
      break;
    case 'restart': {
      const next = await restartExecution(ctx, record);
      print({ done: 'restarted', executionArn: executionArnOf(stateMachineArn, next.executionName) });
      break;
    }
    case 'stop-execution':
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'OperatorStopped', cause: plan.reason }));
      print({ done: 'execution stopped' });
      break;
    default:
      print({ done: 'nothing' });
  }
}
