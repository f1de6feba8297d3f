/**
 * The webhook fan-out (deployed): an SQS queue fed by a rule on the domain-event bus
 * (infra/stack.ts), each event turned into one delivery per subscribed endpoint
 * (shared/features/webhooks/fan-out.ts). The bus carries no private views, so the recorded event is read
 * from the outbox by id; an event whose outbox item has expired is fanned out as the bus carried it.
 * Idempotent per (event, endpoint): a redelivered message creates nothing twice.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { requireSettings } from '../../shared/config';
import type { RecordedEvent } from '../../shared/events/types';
import { fanOut } from '../../shared/features/webhooks/fan-out';
import { logger } from '../../shared/http/logger';
import { envelopeSchema, getRecordedEvent } from '../../shared/store/events';

requireSettings(['WEBHOOK_QUEUE_URL']);

/** What EventBridge puts in the queue: the bus event, whose detail is the envelope plus its audience. */
const busMessage = z.object({
  detail: z.extend(envelopeSchema, { audience: z.array(z.string()) }),
});

async function recordedEventOf(body: string): Promise<RecordedEvent> {
  const { detail } = busMessage.parse(JSON.parse(body));
  const stored = await getRecordedEvent(detail.id);
  if (stored) return stored;
  const { audience, ...event } = detail;
  return { event, audience };
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let recorded: RecordedEvent | undefined;
    try {
      recorded = await recordedEventOf(record.body);
      await fanOut([recorded]);
    } catch (error) {
      // The event's correlation id and id (the webhook ids are per endpoint: the deliveries' lines carry them).
      logger.error('webhook fan-out failed', {
        error: error as Error,
        messageId: record.messageId,
        ...(recorded ? { correlationId: recorded.event.correlationid, eventId: recorded.event.id } : {}),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
