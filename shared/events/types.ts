/**
 * The shape of domain events (SPEC §11), agreed before the event outbox and the webhooks were built
 * side by side. Pure types: the catalog (one zod schema per event type), the outbox repository
 * (shared/store/events.ts) and the consumers (the EventBridge publisher, the webhook fan-out) all
 * speak these.
 */

/** A CloudEvents 1.0 JSON envelope, with the `correlationid` extension of SPEC §1. */
export interface CloudEvent<TData = unknown> {
  specversion: '1.0';
  /** Unique per event; consumers deduplicate by it (delivery is at least once). */
  id: string;
  /** The producing service, e.g. `/partnerships`. */
  source: string;
  /** Versioned dotted type, e.g. `partnership.accepted.v1`. */
  type: string;
  /** What the event is about, e.g. `partnerships/<id>`. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  correlationid: string;
  data: TData;
}

/**
 * An event as the outbox recorded it with its change: the envelope whose `data` every party may see,
 * the workspaces party to it (who receive it), and per-workspace additions to `data` that only that
 * workspace may see (e.g. the host's internal reason).
 */
export interface RecordedEvent {
  event: CloudEvent<Record<string, unknown>>;
  /** Workspace ids party to the event: each receives it, seen as its own members would see it. */
  audience: readonly string[];
  /** Fields merged into `data` for one workspace only. */
  privateData?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Something that reacts to committed events (the EventBridge publisher, the webhook fan-out).
 * Deployed it runs from the table stream (or the bus); locally, the local runtime's dispatcher calls it
 * within a second of the commit. It must tolerate the same event twice (at least once).
 */
export type EventConsumer = (events: readonly RecordedEvent[]) => Promise<void>;

/** The event as one workspace sees it, or undefined when the workspace is not party to it. */
export function eventForWorkspace(recorded: RecordedEvent, workspaceId: string): CloudEvent<Record<string, unknown>> | undefined {
  if (!recorded.audience.includes(workspaceId)) return undefined;
  const extra = recorded.privateData?.[workspaceId];
  return extra ? { ...recorded.event, data: { ...recorded.event.data, ...extra } } : recorded.event;
}
