/**
 * Webhook delivery (SPEC §11), deployed:
 *
 *   committed events --(fan-out queue)--> functions/webhooks/fan-out.ts --(delivery queue)--> functions/webhooks/deliver.ts
 *
 * - The fan-out queue takes EventBridge events from a rule on the domain-event bus (infra/stack.ts):
 *   `detail` is the envelope plus its audience; the fan-out function reads the outbox item by id for the
 *   private views. What the rule cannot deliver goes to the fan-out dead-letter queue.
 * - The delivery queue holds one message per due attempt, delayed up to 900 s; a longer wait (retries of
 *   30 min .. 12 h) goes back in hops by the deliverer. A crashed attempt returns after the visibility
 *   timeout; after 5 receives a message lands in the dead-letter queue (alarmed by Monitoring). The
 *   deliverer enqueues the next attempt before recording the current one, and the hourly job re-enqueues
 *   deliveries overdue by more than 15 minutes (infra/constructs/reminder-schedule.ts gets send rights).
 * - Both work queues alarm on the age of their oldest message (> 1800 s), not on "not empty".
 * - Secrets: a customer-managed KMS key (rotated yearly). The route functions that create or rotate a
 *   secret get kms:Encrypt only (route access `webhooks: ['seal']`, granted in route-functions.ts); the
 *   deliverer is the only principal with kms:Decrypt.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantTableAccess } from './data-table';
import { ServiceFunction } from './service-function';

export const WEBHOOK_DELIVER_ENTRY = 'functions/webhooks/deliver.ts';
export const WEBHOOK_FAN_OUT_ENTRY = 'functions/webhooks/fan-out.ts';

export interface WebhookDeliveryProps {
  table: ITable;
  environment: Record<string, string>;
}

export class WebhookDelivery extends Construct {
  readonly key: Key;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fanOutQueue: Queue;
  readonly fanOutDeadLetterQueue: Queue;
  readonly deliverer: ServiceFunction;
  readonly fanOut: ServiceFunction;

  constructor(scope: Construct, id: string, props: WebhookDeliveryProps) {
    super(scope, id);
    this.key = new Key(this, 'SecretsKey', {
      description: 'Seals webhook signing secrets: route functions encrypt, only the deliverer decrypts',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const dlq = (name: string) => {
      const queue = new Queue(this, name, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'A dead-letter queue: a DLQ of a DLQ adds nothing.' });
      return queue;
    };
    this.deadLetterQueue = dlq('DeliveryDeadLetters');
    this.fanOutDeadLetterQueue = dlq('FanOutDeadLetters');
    const FUNCTION_TIMEOUT = Duration.seconds(60);
    this.queue = new Queue(this, 'Deliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout (AWS's advice for SQS event sources).
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.fanOutQueue = new Queue(this, 'FanOut', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.fanOutDeadLetterQueue, maxReceiveCount: 5 },
    });

    this.deliverer = new ServiceFunction(this, 'Deliverer', {
      entry: WEBHOOK_DELIVER_ENTRY,
      description: 'Webhook delivery attempts (SQS): sign, POST to the checked address, record, schedule the retry',
      environment: { ...props.environment, WEBHOOK_KEY_ID: this.key.keyArn, WEBHOOK_QUEUE_URL: this.queue.queueUrl },
      timeout: FUNCTION_TIMEOUT,
      memorySize: 256,
    });
    this.deliverer.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true }),
    );
    grantTableAccess(this.deliverer, props.table, 'readWrite');
    this.key.grantDecrypt(this.deliverer);
    this.queue.grantSendMessages(this.deliverer);

    this.fanOut = new ServiceFunction(this, 'FanOutFunction', {
      entry: WEBHOOK_FAN_OUT_ENTRY,
      description: 'Webhook fan-out: one delivery per subscribed endpoint of each event',
      environment: { ...props.environment, WEBHOOK_QUEUE_URL: this.queue.queueUrl },
      timeout: FUNCTION_TIMEOUT,
      memorySize: 256,
    });
    this.fanOut.addEventSource(new SqsEventSource(this.fanOutQueue, { batchSize: 10, reportBatchItemFailures: true }));
    grantTableAccess(this.fanOut, props.table, 'readWrite');
    this.queue.grantSendMessages(this.fanOut);
  }
}
