/**
 * Delivers the durable notification items by Amazon SES v2: the table's stream (filtered to INSERTs
 * of type NOTIFICATION) -> functions/notifications/deliver.ts, which sends and marks each item
 * delivered. Failures are retried with batch bisection, then land in an SQS dead-letter queue; the
 * item itself stays in the table (`deliveryStatus: pending`), so nothing is lost.
 */
import { Arn, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function';

export const DELIVER_ENTRY = 'functions/notifications/deliver.ts';

export interface NotificationDeliveryProps {
  /** The table, with a stream enabled (NEW_IMAGE). */
  table: ITable;
  environment: Record<string, string>;
  /** Verified SES identity to send from (CDK context `senderEmail`). */
  senderEmail: string;
  /** The client application e-mails link to (CDK context `appUrl`), e.g. https://app.example.com. */
  appUrl: string;
}

/** The context value as a base URL: http(s), no trailing slash; anything else stops the synth. */
export function appUrlOf(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`appUrl must be an http(s) URL, got ${url.protocol}`);
  return url.href.replace(/\/+$/, '');
}

export class NotificationDelivery extends Construct {
  readonly function: ServiceFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: NotificationDeliveryProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.function = new ServiceFunction(this, 'Function', {
      entry: DELIVER_ENTRY,
      environment: { ...props.environment, SENDER_EMAIL: props.senderEmail, APP_URL: appUrlOf(props.appUrl) },
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    // FilterRule returns `any` (aws-cdk-lib): the filter patterns are plain JSON, held as unknown here.
    const insert: unknown = FilterRule.isEqual('INSERT');
    const notificationType: unknown = FilterRule.isEqual('NOTIFICATION');
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: insert,
            dynamodb: { NewImage: { type: { S: notificationType } } },
          }),
        ],
      }),
    );
    // Marks the item delivered: one conditional UpdateItem, nothing else on the table.
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.table.tableArn] }));
    Validations.of(this.function.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the DynamoDB event source mapping needs, accepts only Resource "*"; ' +
        'reading records is scoped to the table stream ARN.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter destination of the stream consumer; a DLQ of a DLQ adds nothing.',
    });
    // ses:SendEmail only as the sender identity (the address, or its verified domain).
    const stack = Stack.of(this);
    const domain = props.senderEmail.split('@')[1] ?? props.senderEmail;
    const identity = (name: string) => Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, stack);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [identity(props.senderEmail), identity(domain)],
      }),
    );
  }
}
