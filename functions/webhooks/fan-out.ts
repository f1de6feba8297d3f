/**
 * The webhook fan-out (deployed): an SQS queue of committed domain events (RecordedEvent JSON: what the
 * bus rule of infra/constructs/webhook-delivery.ts forwards, or the outbox's stream consumer sends),
 * each turned into one delivery per subscribed endpoint (shared/features/webhooks/fan-out.ts).
 * Idempotent per (event, endpoint): a redelivered message creates nothing twice.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { requireSettings } from '../../shared/config';
import type { RecordedEvent } from '../../shared/events/types';
import { fanOut } from '../../shared/features/webhooks/fan-out';
import { logger } from '../../shared/http/logger';

requireSettings(['WEBHOOK_QUEUE_URL']);

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      // The queue is written only by the stack's own rule and outbox consumer.
      const recorded = JSON.parse(record.body) as RecordedEvent;
      await fanOut([recorded]);
    } catch (error) {
      logger.error('webhook fan-out failed', { error: error as Error, messageId: record.messageId });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
