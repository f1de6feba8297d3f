/**
 * The deployed event publisher (shared/events/publish.ts, functions/events/publish.ts) with a fake
 * PutEvents (the SDK call only): batches of at most 10, only failed entries retried (bounded), the
 * first record that still fails reported as a partial batch failure, detail without privateData.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { publish, streamEvents } from '../../functions/events/publish';
import { buildEvent } from '../../shared/store/events';
import { PUT_ATTEMPTS, type BusEntry, type BusResult, type PutEvents } from '../../shared/events/publish';
import type { RecordedEvent } from '../../shared/events/types';

const at = '2026-12-01T00:00:00.000Z';
function recorded(i: number): RecordedEvent {
  return buildEvent({
    type: 'webhook.deleted.v1',
    subject: `webhooks/wh${i}`,
    data: { webhookId: `wh${i}`, workspaceId: 'ws1', url: 'https://example.com/hook', eventTypes: ['*'], status: 'enabled' },
    audience: ['ws1'],
    privateData: { ws1: { note: 'only ws1' } },
    correlationId: `c${i}`,
    at,
  });
}
/** A stream batch: `n` EVENT inserts (sequence numbers 1..n) and one unrelated record. */
function streamBatch(n: number): { event: DynamoDBStreamEvent; events: RecordedEvent[] } {
  const events = Array.from({ length: n }, (_, i) => recorded(i));
  const Records = events.map((e, i) => ({
    eventName: 'INSERT' as const,
    dynamodb: {
      SequenceNumber: String(i + 1),
      NewImage: marshall({
        pk: `EVT#${e.event.id}`,
        sk: 'EVENT',
        type: 'EVENT',
        event: e.event,
        audience: e.audience,
        privateData: e.privateData,
        ttl: 1,
      }),
    },
  }));
  Records.push({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: '999', NewImage: marshall({ pk: 'NOTE#x', sk: 'y', type: 'NOTIFICATION' }) },
  });
  return { event: { Records } as unknown as DynamoDBStreamEvent, events };
}

/** A fake PutEvents: records every call; `fail(entry, attempt)` decides an entry's ErrorCode. */
function fakeBus(fail: (entry: BusEntry, attempt: number) => string | undefined = () => undefined) {
  const calls: BusEntry[][] = [];
  const attempts = new Map<string, number>();
  const putEvents: PutEvents = (entries) => {
    calls.push(entries);
    const Entries = entries.map((entry) => {
      const n = (attempts.get(entry.Detail) ?? 0) + 1;
      attempts.set(entry.Detail, n);
      const code = fail(entry, n);
      return code ? { ErrorCode: code, ErrorMessage: 'nope' } : { EventId: 'x' };
    });
    const result: BusResult = { FailedEntryCount: Entries.filter((e) => 'ErrorCode' in e).length, Entries };
    return Promise.resolve(result);
  };
  return { putEvents, calls };
}
const deps = (putEvents: PutEvents) => ({ putEvents, eventBusName: 'bus', sleep: () => Promise.resolve() });
const idOf = (entry: BusEntry) => (JSON.parse(entry.Detail) as { subject: string }).subject;

describe('event publisher', () => {
  it('reads only EVENT inserts of the stream batch', () => {
    const { event, events } = streamBatch(3);
    expect(streamEvents(event).map((e) => e.recorded.event.id)).toEqual(events.map((e) => e.event.id));
  });

  it('puts 23 events in batches of 10, 10, 3, in order; detail is the envelope with audience, never privateData', async () => {
    const { event, events } = streamBatch(23);
    const bus = fakeBus();
    const result = await publish(event, deps(bus.putEvents));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(bus.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    const first = bus.calls[0]?.[0];
    expect(first).toMatchObject({ Source: 'partnerships', DetailType: 'webhook.deleted.v1', EventBusName: 'bus' });
    expect(JSON.parse(first?.Detail ?? '{}')).toEqual({ ...events[0]?.event, audience: ['ws1'] });
    expect(
      bus.calls
        .flat()
        .map((e) => e.Detail)
        .join(),
    ).not.toContain('only ws1');
  });

  it('retries only the entries that failed, then reports nothing when they go through', async () => {
    const { event } = streamBatch(10);
    // Entries 3 and 7 fail twice.
    const bus = fakeBus((entry, attempt) =>
      ['webhooks/wh3', 'webhooks/wh7'].includes(idOf(entry)) && attempt <= 2 ? 'ThrottlingException' : undefined,
    );
    const result = await publish(event, deps(bus.putEvents));
    expect(result.batchItemFailures).toEqual([]);
    expect(bus.calls.map((c) => c.map(idOf))).toEqual([
      Array.from({ length: 10 }, (_, i) => `webhooks/wh${i}`),
      ['webhooks/wh3', 'webhooks/wh7'],
      ['webhooks/wh3', 'webhooks/wh7'],
    ]);
  });

  it('an entry that keeps failing: bounded attempts, the first failed record reported, later batches not put', async () => {
    const { event } = streamBatch(25);
    const bus = fakeBus((entry) => (idOf(entry) === 'webhooks/wh14' ? 'InternalFailure' : undefined));
    const result = await publish(event, deps(bus.putEvents));
    // Records 1..14 (wh0..wh13) are done; the event source retries from wh14 (sequence number 15) on.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '15' }]);
    const wh14 = bus.calls.flat().filter((e) => idOf(e) === 'webhooks/wh14');
    expect(wh14).toHaveLength(PUT_ATTEMPTS);
    expect(bus.calls.flat().some((e) => idOf(e) === 'webhooks/wh20')).toBe(false);
  });

  it('a thrown PutEvents call counts as a failed attempt of every entry', async () => {
    const { event } = streamBatch(2);
    let calls = 0;
    const putEvents: PutEvents = () => {
      calls++;
      return calls === 1
        ? Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
        : Promise.resolve({ FailedEntryCount: 0, Entries: [{}, {}] });
    };
    expect(await publish(event, deps(putEvents))).toEqual({ batchItemFailures: [] });
    expect(calls).toBe(2);
  });

  it('a consumer called from the same batch gets the published events; its failure retries the batch', async () => {
    const { event } = streamBatch(3);
    const got: string[] = [];
    const ok = await publish(event, {
      ...deps(fakeBus().putEvents),
      consumers: [['c', (events) => Promise.resolve(void got.push(...events.map((e) => e.event.subject)))]],
    });
    expect(ok.batchItemFailures).toEqual([]);
    expect(got).toEqual(['webhooks/wh0', 'webhooks/wh1', 'webhooks/wh2']);
    const failing = await publish(event, { ...deps(fakeBus().putEvents), consumers: [['c', () => Promise.reject(new Error('down'))]] });
    expect(failing.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });
});
