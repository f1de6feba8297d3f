/**
 * The hourly reminder / expiry / reconciliation job: an EventBridge rule invoking
 * functions/jobs/reminders.ts (shared/features/jobs/reminder-job.ts). The job reads the due index, writes
 * reminders and expiries, fails expired stages' tasks (SendTaskFailure 'Expired'), re-sends failed
 * resumes (SendTaskSuccess) and restarts lost executions (StartExecution).
 *
 * A failed run leaves a trace: the rule invokes the function asynchronously, and
 *   - a run that fails after Lambda's retries goes to the `failures` queue (the function's
 *     EventInvokeConfig on-failure destination: the event, the error and the request id);
 *   - an event EventBridge could not deliver to Lambda at all goes to the same queue (the target's
 *     dead-letter queue).
 * The monitoring construct alarms on that queue not being empty (docs/OPERATIONS.md).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantTableReadWrite, grantTaskResponses } from './approval-workflow';
import { ServiceFunction } from './service-function';

export const REMINDER_JOB_ENTRY = 'functions/jobs/reminders.ts';

/** An event older than this is dropped (to the failures queue): the next hourly run takes over. */
export const JOB_MAX_EVENT_AGE = Duration.minutes(50);
/** Lambda's own retries of a failed asynchronous run (its default), then the on-failure destination. */
export const JOB_RETRY_ATTEMPTS = 2;

export interface ReminderScheduleProps {
  table: ITable;
  stateMachine: IStateMachine;
  environment: Record<string, string>;
  /** The webhook delivery queue: the job re-enqueues overdue deliveries (the backstop of a lost message). */
  webhookQueue?: IQueue;
}

export class ReminderSchedule extends Construct {
  readonly function: ServiceFunction;
  readonly rule: Rule;
  /** Failed runs (on-failure destination) and undeliverable schedule events (target DLQ). */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: ReminderScheduleProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Function', {
      entry: REMINDER_JOB_ENTRY,
      environment: {
        ...props.environment,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        ...(props.webhookQueue ? { WEBHOOK_QUEUE_URL: props.webhookQueue.queueUrl } : {}),
      },
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    grantTableReadWrite(props.table, this.function);
    grantTaskResponses(this.function);
    props.stateMachine.grantStartExecution(this.function);
    props.webhookQueue?.grantSendMessages(this.function);

    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a failure destination (the job's on-failure destination and its schedule's " +
        'dead-letter queue); nothing consumes it but the operator, so a DLQ of it adds nothing.',
    });
    this.function.configureAsyncInvoke({
      onFailure: new SqsDestination(this.failures),
      retryAttempts: JOB_RETRY_ATTEMPTS,
      maxEventAge: JOB_MAX_EVENT_AGE,
    });

    this.rule = new Rule(this, 'Hourly', {
      description: 'Partnership and invitation reminders, expiries and workflow reconciliation',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 2,
          maxEventAge: JOB_MAX_EVENT_AGE,
          deadLetterQueue: this.failures,
        }),
      ],
    });
  }
}
