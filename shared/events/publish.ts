/**
 * The deployed event publisher (SPEC §11): from a batch of table stream records (INSERTs of EVENT
 * items), puts each envelope on the stack's EventBridge bus. `detail` is the envelope with `data` as
 * every party sees it, plus `audience`; never `privateData` (a bus rule cannot tell workspaces apart,
 * so what only one workspace may see stays in the table, for consumers that read it per workspace).
 *
 * PutEvents takes at most 10 entries: batches of 10, and only the entries that failed are retried
 * (at most PUT_ATTEMPTS attempts in all, with a short backoff). What still fails is reported as a
 * partial batch failure from its stream record on (DynamoDB streams resume from the lowest reported
 * sequence number), so the event source retries it (bisecting) and, at last, sends it to the DLQ.
 * Records before it are done; records after it are put again (at least once: consumers deduplicate
 * by `id`).
 *
 * Consumers registered for the same batch (`consumers`) get the events after they are on the bus; one
 * that fails makes the batch retry from the first record, bus entries included (see
 * docs/DECISIONS.md, "Domain events": an EventBridge rule is the recommended wiring for a consumer).
 */
import type { CloudEvent, EventConsumer, RecordedEvent } from './types';

/** EventBridge's limit on the entries of one PutEvents call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** Attempts of one entry (the first put and its retries). */
export const PUT_ATTEMPTS = 4;
/** EventBridge `source` of the service's events. */
export const BUS_SOURCE = 'partnerships';

export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Time: Date;
}
export interface BusResult {
  FailedEntryCount?: number;
  /** One per entry, in order; a failed one has an ErrorCode. */
  Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
}
/** The PutEvents call (the EventBridge client's, or a fake in tests). */
export type PutEvents = (entries: BusEntry[]) => Promise<BusResult>;

/** One stream record's event: its sequence number (the batch item identifier) and what was recorded. */
export interface StreamEvent {
  sequenceNumber: string;
  recorded: RecordedEvent;
}

export interface PublishDeps {
  putEvents: PutEvents;
  eventBusName: string;
  consumers?: ReadonlyArray<readonly [string, EventConsumer]>;
  /** Waits between attempts (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** What the bus carries: the envelope everybody may see, plus who is party to it. */
export function busDetail(recorded: RecordedEvent): CloudEvent<Record<string, unknown>> & { audience: readonly string[] } {
  return { ...recorded.event, audience: recorded.audience };
}

export function busEntry(recorded: RecordedEvent, eventBusName: string): BusEntry {
  return {
    Source: BUS_SOURCE,
    DetailType: recorded.event.type,
    Detail: JSON.stringify(busDetail(recorded)),
    EventBusName: eventBusName,
    Time: new Date(recorded.event.time),
  };
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Puts one batch of ≤10 entries, retrying only the failed ones; resolves with the indexes (into
 * `entries`) that still failed after PUT_ATTEMPTS. A thrown call (throttled, network) counts as every
 * pending entry failing that attempt.
 */
export async function putBatch(entries: BusEntry[], deps: PublishDeps): Promise<number[]> {
  if (entries.length > PUT_EVENTS_MAX_ENTRIES) throw new Error(`PutEvents takes at most ${PUT_EVENTS_MAX_ENTRIES} entries`);
  const sleep = deps.sleep ?? defaultSleep;
  let pending = entries.map((_, i) => i);
  for (let attempt = 1; pending.length > 0 && attempt <= PUT_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(100 * 2 ** (attempt - 2));
    try {
      const result = await deps.putEvents(pending.map((i) => entries[i] as BusEntry));
      if (!result.FailedEntryCount) {
        pending = [];
        break;
      }
      const failed = pending.filter((_, j) => result.Entries?.[j]?.ErrorCode !== undefined || result.Entries?.[j] === undefined);
      deps.log?.('PutEvents: entries failed', {
        attempt,
        failed: failed.length,
        codes: [...new Set((result.Entries ?? []).flatMap((e) => (e.ErrorCode ? [e.ErrorCode] : [])))],
      });
      pending = failed;
    } catch (error) {
      deps.log?.('PutEvents: call failed', { attempt, entries: pending.length, error: (error as Error).name });
    }
  }
  return pending;
}

/**
 * Publishes the events of a stream batch in order; returns the sequence number of the first record
 * that could not be published (or whose consumers failed), or undefined when all went out.
 */
export async function publishEvents(events: readonly StreamEvent[], deps: PublishDeps): Promise<string | undefined> {
  let firstFailed: number | undefined;
  for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
    const slice = events.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
    const failed = await putBatch(
      slice.map((e) => busEntry(e.recorded, deps.eventBusName)),
      deps,
    );
    if (failed.length > 0) {
      firstFailed = start + Math.min(...failed);
      break;
    }
  }
  const published = events.slice(0, firstFailed ?? events.length);
  for (const [name, consume] of deps.consumers ?? []) {
    if (published.length === 0) break;
    try {
      await consume(published.map((e) => e.recorded));
    } catch (error) {
      deps.log?.('event consumer failed', { consumer: name, events: published.length, error: (error as Error).name });
      firstFailed = 0;
    }
  }
  return firstFailed === undefined ? undefined : events[firstFailed]?.sequenceNumber;
}
