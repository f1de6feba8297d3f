/**
 * Domain events on EventBridge (SPEC §11): a custom event bus, and the table stream's consumer that
 * puts the outbox items on it (filtered to INSERTs of type EVENT) -> functions/events/publish.ts.
 * PutEvents failures are retried entry by entry in the function; a record that still fails is
 * reported as a partial batch failure, retried by the event source with bisection, then sent to an
 * SQS dead-letter queue (alarmed by Monitoring). The outbox item stays in the table for 7 days (TTL).
 *
 * IAM: the function may put events on this bus only (events:PutEvents on its ARN) and read the
 * table's stream; nothing else on the table.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function';

export const PUBLISH_ENTRY = 'functions/events/publish.ts';

export interface DomainEventBusProps {
  /** The table, with a stream enabled (NEW_IMAGE). */
  table: ITable;
  environment: Record<string, string>;
}

export class DomainEventBus extends Construct {
  readonly bus: EventBus;
  readonly publisher: ServiceFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DomainEventBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'Domain events of the partnerships service (CloudEvents envelopes)' });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.publisher = new ServiceFunction(this, 'Publisher', {
      entry: PUBLISH_ENTRY,
      description: 'Puts domain events (outbox items of the table stream) on the event bus',
      environment: { ...props.environment, EVENT_BUS_NAME: this.bus.eventBusName },
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    // FilterRule returns `any` (aws-cdk-lib): the filter patterns are plain JSON, held as unknown here.
    const insert: unknown = FilterRule.isEqual('INSERT');
    const eventType: unknown = FilterRule.isEqual('EVENT');
    this.publisher.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter({ eventName: insert, dynamodb: { NewImage: { type: { S: eventType } } } })],
      }),
    );
    // Least privilege: PutEvents on this bus only.
    this.publisher.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }));
    Validations.of(this.publisher.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the DynamoDB event source mapping needs, accepts only Resource "*"; ' +
        'reading records is scoped to the table stream ARN.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter destination of the stream consumer; a DLQ of a DLQ adds nothing.',
    });
  }
}
