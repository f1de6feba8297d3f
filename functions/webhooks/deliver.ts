/**
 * The webhook deliverer (deployed): one SQS message per due attempt (shared/features/webhooks/queue.ts).
 * A message that is still early (a wait longer than SQS's 900 s delay) goes back with the remaining
 * delay; a due one is attempted (shared/features/webhooks/deliver.ts), which enqueues its retry itself
 * before recording the attempt. A message whose delivery turns out not yet due (its retry was enqueued,
 * then the record's commit failed and this message came back) is re-enqueued with the remaining delay.
 * A crash leaves the message on the queue: it comes back after the visibility timeout, and after 5
 * receives lands in the DLQ (alarmed). The only function that may decrypt webhook secrets.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { requireSettings } from '../../shared/config';
import { attemptDelivery } from '../../shared/features/webhooks/deliver';
import { publishWebhookMetrics } from '../../shared/features/webhooks/metrics';
import { enqueueAttempts } from '../../shared/features/webhooks/queue';
import { logger } from '../../shared/http/logger';

requireSettings(['WEBHOOK_KEY_ID', 'WEBHOOK_QUEUE_URL']);

const message = z.object({ webhookId: z.string(), deliveryId: z.string(), dueAt: z.string() });

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      const parsed = message.safeParse(JSON.parse(record.body));
      if (!parsed.success) {
        logger.error('webhook deliverer: malformed message dropped', { messageId: record.messageId });
        return;
      }
      try {
        const now = new Date();
        if (Date.parse(parsed.data.dueAt) > now.getTime() + 1000) await enqueueAttempts([parsed.data], now.getTime());
        else await attemptDelivery(parsed.data.webhookId, parsed.data.deliveryId, { now, requeueEarly: true });
      } catch (error) {
        logger.error('webhook delivery attempt failed to run', {
          error: error as Error,
          webhookId: parsed.data.webhookId,
          deliveryId: parsed.data.deliveryId,
          messageId: record.messageId,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  publishWebhookMetrics();
  return { batchItemFailures };
};
