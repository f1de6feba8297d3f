/**
 * The consumers of committed events (SPEC §11), registered by name. Locally, the local runtime's
 * dispatcher (local/event-dispatcher.ts) hands each batch of newly committed events to every
 * registered consumer within a second; deployed, the stream publisher (functions/events/publish.ts)
 * puts them on the EventBridge bus and can call the consumers registered in its own module too (see
 * docs/DECISIONS.md, "Domain events", for which wiring is recommended).
 *
 * A consumer must tolerate the same event twice (delivery is at least once; deduplicate by `event.id`).
 */
import type { EventConsumer } from './types';

const consumers = new Map<string, EventConsumer>();

/** Registers (or replaces) a consumer under `name`; returns the function that unregisters it. */
export function registerEventConsumer(name: string, consumer: EventConsumer): () => void {
  consumers.set(name, consumer);
  return () => {
    if (consumers.get(name) === consumer) consumers.delete(name);
  };
}

/** The registered consumers, in registration order. */
export function eventConsumers(): ReadonlyArray<readonly [string, EventConsumer]> {
  return [...consumers.entries()];
}
