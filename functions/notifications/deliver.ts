/**
 * DynamoDB stream consumer (INSERTs of NOTIFICATION items, filtered by the event source): renders each
 * as an e-mail (text + HTML, links to APP_URL), sends it by SES and marks it delivered. Reports failed records individually, so a retry re-sends only from
 * the first failure on (bisect + retries + DLQ are configured on the event source).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { requireSettings } from '../../shared/config';
import { logger } from '../../shared/logger';
import { correlationIdOr, logKeys } from '../../shared/observability/invocation';
import { publishMetrics, recordNotification } from '../../shared/observability/metrics';
import { configuredAppUrl, renderEmail } from '../../shared/notify/email';
import { sendNotificationEmail } from '../../shared/notify/ses';
import { markNotificationDelivered, notificationFromStream } from '../../shared/store/activity';

requireSettings(['SENDER_EMAIL', 'APP_URL']);

type Deps = { send: typeof sendNotificationEmail; now: () => Date };

export async function deliver(
  event: DynamoDBStreamEvent,
  deps: Deps = { send: sendNotificationEmail, now: () => new Date() },
): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  try {
    await deliverRecords(event, deps, batchItemFailures);
  } finally {
    publishMetrics();
  }
  return { batchItemFailures };
}

async function deliverRecords(
  event: DynamoDBStreamEvent,
  deps: Deps,
  batchItemFailures: DynamoDBBatchResponse['batchItemFailures'],
): Promise<void> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    // The stream's AttributeValue type (aws-lambda) and the SDK's describe the same JSON.
    const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
    // Each notification's lines carry the correlation id of the change that caused it (SPEC §1).
    logKeys({ correlationId: correlationIdOr(item.correlationId), task: 'DeliverNotification', template: String(item.template) });
    try {
      const notification = notificationFromStream(item);
      if (!notification || notification.deliveryStatus === 'delivered') continue;
      const email = renderEmail(notification, { appUrl: configuredAppUrl() });
      const messageId = await deps.send({ to: notification.to, template: notification.template, ...email });
      recordNotification('sent');
      // False when the row is gone (TTL) meanwhile: sent, nothing to mark.
      await markNotificationDelivered(notification, deps.now().toISOString(), messageId);
      logger.info('notification sent', { notificationId: notification.id });
    } catch (error) {
      // A failure after the send (marking it delivered) is counted as sent and failed: the retry re-sends.
      recordNotification('failed');
      logger.warn('notification delivery failed', { pk: item.pk, sk: item.sk, template: item.template, error: (error as Error).name });
      // Stop at the first failure: the records after it are retried too, in order.
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
}

export const handler = (event: DynamoDBStreamEvent) => deliver(event);
