/**
 * DynamoDB stream consumer (INSERTs of NOTIFICATION items, filtered by the event source): sends each
 * by SES and marks it delivered. Reports failed records individually, so a retry re-sends only from
 * the first failure on (bisect + retries + DLQ are configured on the event source).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db, tableName } from '../../shared/data/dynamo';
import { logger } from '../../shared/http/logger';
import { ENTITY } from '../../shared/store/keys';
import { sendNotificationEmail } from '../../shared/notify/ses';

type Deps = { send: typeof sendNotificationEmail; now: () => Date };

export async function deliver(event: DynamoDBStreamEvent, deps: Deps = { send: sendNotificationEmail, now: () => new Date() }): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records ?? []) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = unmarshall(image as any);
    if (item.type !== ENTITY.notification || item.deliveryStatus === 'delivered') continue;
    try {
      const messageId = await deps.send({ to: item.to, template: item.template, subject: item.subject, data: item.data ?? {} });
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET deliveryStatus = :delivered, deliveredAt = :at, messageId = :id',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':delivered': 'delivered', ':at': deps.now().toISOString(), ':id': messageId ?? null },
        }),
      ).catch((error: Error) => {
        // Sent, but the row is gone (TTL): nothing to mark.
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
    } catch (error) {
      logger.warn('notification delivery failed', { pk: item.pk, sk: item.sk, template: item.template, error: (error as Error).name });
      // Stop at the first failure: the records after it are retried too, in order.
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures };
}

export const handler = (event: DynamoDBStreamEvent) => deliver(event);
