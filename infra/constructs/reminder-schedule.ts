/**
 * The hourly reminder / expiry / reconciliation job: an EventBridge rule invoking
 * functions/jobs/reminders.ts (shared/features/jobs/reminder-job.ts). The job reads the due index, writes
 * reminders and expiries, fails expired stages' tasks (SendTaskFailure 'Expired'), re-sends failed
 * resumes (SendTaskSuccess) and restarts lost executions (StartExecution).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantTableReadWrite, grantTaskResponses } from './approval-workflow';
import { ServiceFunction } from './service-function';

export const REMINDER_JOB_ENTRY = 'functions/jobs/reminders.ts';

export interface ReminderScheduleProps {
  table: ITable;
  stateMachine: IStateMachine;
  environment: Record<string, string>;
}

export class ReminderSchedule extends Construct {
  readonly function: ServiceFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReminderScheduleProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Function', {
      entry: REMINDER_JOB_ENTRY,
      environment: { ...props.environment, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    grantTableReadWrite(props.table, this.function);
    grantTaskResponses(this.function);
    props.stateMachine.grantStartExecution(this.function);

    this.rule = new Rule(this, 'Hourly', {
      description: 'Partnership and invitation reminders, expiries and workflow reconciliation',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.minutes(50) })],
    });
  }
}
