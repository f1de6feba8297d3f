/**
 * STUB (to be replaced by the workflow work, issue 4): delivers durable notification items by
 * Amazon SES v2 (DynamoDB stream -> functions/notifications/deliver.ts), with a DLQ for failures.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface NotificationDeliveryProps {
  /** The table, with a stream enabled (NEW_IMAGE). */
  table: ITable;
  environment: Record<string, string>;
  /** Verified SES identity to send from (CDK context `senderEmail`). */
  senderEmail: string;
}

export class NotificationDelivery extends Construct {
  constructor(scope: Construct, id: string, _props: NotificationDeliveryProps) {
    super(scope, id);
  }
}
