/**
 * DynamoDB stream consumer (INSERTs of EVENT items, filtered by the event source): puts the domain
 * events on the stack's EventBridge bus (shared/events/publish.ts: batches of 10, failed entries
 * retried, partial batch failure reporting; the event source bisects, retries and sends what still
 * fails to its DLQ).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { config, requireSettings } from '../../shared/config';
import { publishEvents, type PublishDeps, type StreamEvent } from '../../shared/events/publish';
import { logger } from '../../shared/logger';
import { recordedEventFromItem } from '../../shared/store/events';

requireSettings(['EVENT_BUS_NAME']);

let client: EventBridgeClient | undefined;
const eventBridge = () => (client ??= new EventBridgeClient({ region: config().region }));

/** The events of a stream batch, in order (anything else in the batch is skipped). */
export function streamEvents(event: DynamoDBStreamEvent): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    // The stream's AttributeValue type (aws-lambda) and the SDK's describe the same JSON.
    const recorded = recordedEventFromItem(unmarshall(image as Parameters<typeof unmarshall>[0]));
    if (recorded) out.push({ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', recorded });
  }
  return out;
}

export async function publish(event: DynamoDBStreamEvent, deps?: Partial<PublishDeps>): Promise<DynamoDBBatchResponse> {
  const events = streamEvents(event);
  const failed = await publishEvents(events, {
    putEvents: (entries) => eventBridge().send(new PutEventsCommand({ Entries: entries })),
    eventBusName: config().eventBusName ?? '',
    log: (message, fields) => logger.warn(message, fields),
    ...deps,
  });
  if (failed !== undefined)
    logger.warn('events not published; retried from this record', { sequenceNumber: failed, events: events.length });
  return { batchItemFailures: failed === undefined ? [] : [{ itemIdentifier: failed }] };
}

export const handler = (event: DynamoDBStreamEvent) => publish(event);
