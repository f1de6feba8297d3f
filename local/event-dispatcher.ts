/**
 * Local mode: hands newly committed domain events to the registered consumers (shared/events/consumers.ts)
 * while the server runs, as the table stream does deployed. Every outbox item written in local mode
 * carries a sparse "undispatched" index entry (gsi2 OUTBOX / <time>#EVENT#<id>, store/events.ts); each
 * tick reads a bounded page of it, oldest first (a Query, never a Scan), calls every consumer with the
 * batch and then takes the events off the index. A restart picks up whatever was left (the index is in
 * the table, not in memory); a consumer that fails leaves the batch for the next tick (at least once),
 * up to MAX_ATTEMPTS, then the event is dropped from the index with an error log line.
 *
 * Also the local consumer that keeps published events readable per workspace: GET /local/events.
 */
import * as z from 'zod/mini';
import { eventConsumers } from '../shared/events/consumers';
import { errorResponse } from '../shared/http/errors';
import { json, type LocalEndpoint } from './server';
import { eventForWorkspace, type EventConsumer, type RecordedEvent } from '../shared/events/types';
import { logger } from '../shared/logger';
import { listLocalEvents, markEventDispatched, putLocalEvents, undispatchedEvents } from '../shared/store/events';

/** Events read per Query. */
export const DISPATCH_PAGE = 100;
/** Pages one tick dispatches at most (the next tick goes on). */
const PAGES_PER_TICK = 10;
/** Ticks a failing batch is retried before its events leave the index. */
export const MAX_ATTEMPTS = 5;

export interface EventDispatcher {
  /** Dispatches what is waiting now; resolves with the number of events handed over. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createEventDispatcher(
  options: { intervalMs?: number; consumers?: () => ReadonlyArray<readonly [string, EventConsumer]> } = {},
): EventDispatcher {
  const intervalMs = options.intervalMs ?? 100;
  const consumersOf = options.consumers ?? eventConsumers;
  const attempts = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function dispatchPage(): Promise<{ count: number; more: boolean }> {
    const page = await undispatchedEvents(DISPATCH_PAGE);
    if (page.length === 0) return { count: 0, more: false };
    const batch: RecordedEvent[] = page.map((p) => p.recorded);
    const failures: string[] = [];
    for (const [name, consume] of consumersOf()) {
      try {
        await consume(batch);
      } catch (error) {
        failures.push(name);
        logger.error('event consumer failed', { consumer: name, events: batch.length, error: (error as Error).message });
      }
    }
    let handed = 0;
    for (const { key, recorded } of page) {
      const id = recorded.event.id;
      if (failures.length > 0) {
        const tried = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, tried);
        if (tried < MAX_ATTEMPTS) continue;
        logger.error('event dropped from local dispatch after failed attempts', {
          eventId: id,
          type: recorded.event.type,
          consumers: failures,
        });
      }
      attempts.delete(id);
      await markEventDispatched(key);
      handed++;
    }
    // A failing batch waits for the next tick; a full page may have more behind it.
    return { count: handed, more: failures.length === 0 && page.length === DISPATCH_PAGE };
  }

  async function tick(): Promise<number> {
    let total = 0;
    for (let i = 0; i < PAGES_PER_TICK; i++) {
      const { count, more } = await dispatchPage();
      total += count;
      if (!more) break;
    }
    return total;
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = running
        .then(tick)
        .catch((error: unknown) => logger.error('event dispatch tick failed', { error: (error as Error).message }))
        .finally(schedule);
    }, intervalMs);
  };

  return {
    // Serialized with the timer's ticks: two never read the same page at once.
    tick: () => {
      const next = running.then(tick);
      running = next.catch(() => undefined);
      return next;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The local consumer: each event as each workspace of its audience sees it, readable at GET /local/events. */
export const localEventsConsumer: EventConsumer = async (events) => {
  const views = events.flatMap((recorded) =>
    recorded.audience.flatMap((workspaceId) => {
      const event = eventForWorkspace(recorded, workspaceId);
      return event ? [{ workspaceId, event }] : [];
    }),
  );
  await putLocalEvents(views);
};

const eventsQuery = z.strictObject({
  workspaceId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  type: z.optional(z.string().check(z.regex(/^[a-z_]+(\.[a-z_]+)+\.v[0-9]+$/))),
  limit: z.optional(z.string().check(z.regex(/^[0-9]{1,3}$/))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** GET /local/events?workspaceId=&type=: the events a workspace received, as it sees them, newest first (SPEC §11 locally). */
export const localEventsEndpoint: LocalEndpoint = async ({ query }) => {
  const parsed = eventsQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'query', issue: i.code }));
    return errorResponse(400, 'validation_failed', 'Give ?workspaceId=<id>[&type=<event type>].', details);
  }
  const limit = Math.min(100, Math.max(1, Number(parsed.data.limit ?? 100)));
  const page = await listLocalEvents(parsed.data.workspaceId, parsed.data.type, { limit, cursor: parsed.data.cursor });
  return json(200, { items: page.items, nextCursor: page.nextCursor });
};
