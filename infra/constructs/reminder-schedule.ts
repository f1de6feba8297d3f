/**
 * STUB (to be replaced by the workflow work, issue 4): the hourly EventBridge schedule that runs the
 * reminder/expiry/reconciliation job (shared/services/reminder-job.ts via functions/jobs/reminders.ts).
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ReminderScheduleProps {
  table: ITable;
  stateMachine: IStateMachine;
  environment: Record<string, string>;
}

export class ReminderSchedule extends Construct {
  constructor(scope: Construct, id: string, _props: ReminderScheduleProps) {
    super(scope, id);
  }
}
