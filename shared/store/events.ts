/**
 * The domain event outbox (SPEC §11): every state change appends its event IN ITS OWN TRANSACTION, so
 * there is no event without its change and no change without its event. The envelope is CloudEvents 1.0
 * with `correlationid`; `data` is what every party may see, validated against the event type's schema
 * (shared/events/catalog.ts) when it is recorded; fields only one workspace may see go in `privateData`.
 *
 * Deployed, the table stream (NEW_IMAGE, INSERTs of type EVENT) runs functions/events/publish.ts, which
 * puts the envelopes on the stack's EventBridge bus. Locally, the runtime's dispatcher finds what is
 * not yet handed to the consumers through a sparse index entry that only local mode writes (gsi2
 * OUTBOX / <time>#EVENT#<id>), a bounded Query per tick, and removes the entry once dispatched.
 * Outbox items expire after EVENT_TTL_SECONDS (DynamoDB TTL).
 *
 * Access patterns:
 *   event by id                      (stream record; GetItem)  EVT#<eventId> / EVENT
 *   undispatched events, oldest first  Query gsi2 (local mode)  OUTBOX / <time>#EVENT#<eventId>
 *   local published events of a ws   Query (local mode)         LEVT#<ws> / <time>#<eventId>   (newest first)
 */
import * as z from 'zod/mini';
import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { dataSchemaOf } from '../events/catalog';
import type { CloudEvent, RecordedEvent } from '../events/types';
import { newId } from '../ids';
import { db, tableName, type Item } from './client';
import { defineEntity } from './entity';
import { compile, eq, itemExists, keyCondition } from './expressions';
import { ENTITY, keys, type Key } from './keys';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** The producing service (CloudEvents `source`). */
export const EVENT_SOURCE = '/partnerships';
/** Outbox items (and local published copies) expire after 7 days. */
export const EVENT_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface EventInput {
  type: string;
  /** What the event is about, e.g. `partnerships/<id>`. */
  subject: string;
  data: Record<string, unknown>;
  /** The workspaces party to the event. */
  audience: readonly string[];
  /** Fields merged into `data` for one workspace only (e.g. the host's internal reason). */
  privateData?: Record<string, Record<string, unknown>>;
  correlationId: string;
  /** ISO time of the change. */
  at: string;
}

/** An event whose data does not match its type's schema, or of a type not in the catalog: a bug, never stored. */
export class InvalidEvent extends Error {
  constructor(
    readonly type: string,
    readonly issues: string[],
  ) {
    super(`invalid ${type} event: ${issues.join('; ')}`);
    this.name = 'InvalidEvent';
  }
}

/** The CloudEvents envelope as stored (and as the bus carries it, with `audience` beside it). */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject: z.string(),
  time: z.string(),
  datacontenttype: z.literal('application/json'),
  correlationid: z.string(),
  data: z.record(z.string(), z.unknown()),
});
const eventEntity = defineEntity(
  ENTITY.event,
  z.object({
    event: envelopeSchema,
    audience: z.array(z.string()),
    privateData: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
    [TABLE.ttlAttribute]: z.number(),
  }),
);
const localEventEntity = defineEntity(
  ENTITY.localEvent,
  z.object({ workspaceId: z.string(), eventType: z.string(), event: envelopeSchema, [TABLE.ttlAttribute]: z.number() }),
);

const ttlOf = (at: string) => Math.floor(Date.parse(at) / 1000) + EVENT_TTL_SECONDS;

/** Builds and validates the envelope (InvalidEvent when its data does not match the type's schema). */
export function buildEvent(input: EventInput): RecordedEvent {
  const schema = dataSchemaOf(input.type);
  if (!schema) throw new InvalidEvent(input.type, ['not an event type of the catalog']);
  const checked = schema.safeParse(input.data);
  if (!checked.success)
    throw new InvalidEvent(
      input.type,
      checked.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`),
    );
  const privateData: Record<string, Record<string, unknown>> = {};
  for (const [workspaceId, extra] of Object.entries(input.privateData ?? {})) {
    // Only a party to the event has a private view; an empty addition is left out.
    if (input.audience.includes(workspaceId) && Object.keys(extra).length > 0) privateData[workspaceId] = extra;
  }
  const event: CloudEvent<Record<string, unknown>> = {
    specversion: '1.0',
    id: newId(Date.parse(input.at)),
    source: EVENT_SOURCE,
    type: input.type,
    subject: input.subject,
    time: input.at,
    datacontenttype: 'application/json',
    correlationid: input.correlationId,
    data: stripUndefined(checked.data),
  };
  return {
    event,
    audience: [...new Set(input.audience)],
    ...(Object.keys(privateData).length > 0 ? { privateData } : {}),
  };
}

/**
 * Appends the event to the transaction of its change: one outbox item (MAX_TRANSACTION_ITEMS counts
 * it). Returns the recorded event.
 */
export function appendEvent(tx: Transaction, input: EventInput): RecordedEvent {
  const recorded = buildEvent(input);
  const { event } = recorded;
  tx.put(
    eventEntity.item(
      keys.event(event.id),
      { event, audience: [...recorded.audience], privateData: recorded.privateData, [TABLE.ttlAttribute]: ttlOf(event.time) },
      // Local mode: the dispatcher's sparse "undispatched" entry (deployed, the table stream is the dispatcher).
      config().mode === 'local' ? keys.eventUndispatched(event.time, event.id) : {},
    ),
  );
  return recorded;
}

/** The recorded event of a stream image (the publisher), or undefined when the item is something else. */
export function recordedEventFromItem(item: Item): RecordedEvent | undefined {
  if (item.type !== ENTITY.event) return undefined;
  const { event, audience, privateData } = eventEntity.parse(item);
  return { event: event, audience, ...(privateData ? { privateData } : {}) };
}

/**
 * One recorded event by id, with its private views (the webhook fan-out: the bus carries no
 * privateData). Undefined once its TTL removed it.
 */
export async function getRecordedEvent(eventId: string): Promise<RecordedEvent | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.event(eventId), ConsistentRead: true }));
  return out.Item ? recordedEventFromItem(out.Item) : undefined;
}

// ---- local mode: the dispatcher and the published events ------------------------------------------------

export interface UndispatchedEvent {
  key: Key;
  recorded: RecordedEvent;
}

/** Local mode: up to `limit` events not yet dispatched, oldest first (one Query). */
export async function undispatchedEvents(limit: number): Promise<UndispatchedEvent[]> {
  const due = TABLE.indexes.due;
  const result = await queryPage(
    { index: 'due', keyCondition: keyCondition({ name: due.partitionKey, value: keys.outboxPartition }) },
    { limit, scope: keys.outboxPartition },
  );
  const out: UndispatchedEvent[] = [];
  for (const item of result.items) {
    const recorded = recordedEventFromItem(item);
    if (recorded) out.push({ key: { pk: String(item.pk), sk: String(item.sk) }, recorded });
  }
  return out;
}

/** Local mode: takes an event off the undispatched index (false when its item is gone meanwhile). */
export async function markEventDispatched(key: Key): Promise<boolean> {
  const due = TABLE.indexes.due;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: key.pk, sk: key.sk },
        ...compile({ update: { remove: [due.partitionKey, due.sortKey] }, condition: itemExists() }),
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Local mode: keeps published events readable per workspace, as that workspace sees them (one item per
 * audience member; the same event again overwrites its items, so a redelivery adds nothing).
 */
export async function putLocalEvents(
  views: ReadonlyArray<{ workspaceId: string; event: CloudEvent<Record<string, unknown>> }>,
): Promise<void> {
  const items = views.map(({ workspaceId, event }) =>
    localEventEntity.item(keys.localEvent(workspaceId, event.time, event.id), {
      workspaceId,
      eventType: event.type,
      event,
      [TABLE.ttlAttribute]: ttlOf(event.time),
    }),
  );
  for (let i = 0; i < items.length; i += 25) {
    let requests: Array<{ PutRequest: { Item: Item } }> = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= 5) throw new Error('local events: unprocessed items after 5 attempts');
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      requests = (out.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    }
  }
}

/** Local mode: the events a workspace received, newest first, optionally of one type. */
export async function listLocalEvents(
  workspaceId: string,
  type: string | undefined,
  page: PageRequest,
): Promise<Page<CloudEvent<Record<string, unknown>>>> {
  const pk = keys.localEventsPartition(workspaceId);
  const result = await queryPage(
    { keyCondition: keyCondition({ name: 'pk', value: pk }), filter: type ? eq('eventType', type) : undefined, newestFirst: true },
    { ...page, scope: `${pk}|${type ?? '*'}` },
  );
  return mapPage(result, (item) => localEventEntity.parse(item).event as CloudEvent<Record<string, unknown>>);
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
