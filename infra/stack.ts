/**
 * The service's one stack: composes the constructs (one per concern) and wires their grants.
 * Fleshed out by the infrastructure work (issue 2); the workflow constructs by issue 4.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE } from '../shared/table';
import { ApprovalWorkflow } from './constructs/approval-workflow';
import { NotificationDelivery } from './constructs/notification-delivery';
import { ReminderSchedule } from './constructs/reminder-schedule';

export class PartnershipsStack extends Stack {
  readonly table: Table;
  readonly workflow: ApprovalWorkflow;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: StreamViewType.NEW_IMAGE,
    });
    for (const index of Object.values(TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    const environment = { TABLE_NAME: this.table.tableName };
    this.workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', { table: this.table, environment });
    new ReminderSchedule(this, 'ReminderSchedule', { table: this.table, stateMachine: this.workflow.stateMachine, environment });
    new NotificationDelivery(this, 'NotificationDelivery', {
      table: this.table,
      environment,
      senderEmail: this.node.tryGetContext('senderEmail') ?? 'no-reply@example.com',
    });
  }
}
