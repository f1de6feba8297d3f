/**
 * The webhook fan-out (SPEC §11), an EventConsumer of committed domain events: for each event and each
 * workspace in its audience, one delivery per enabled endpoint of that workspace subscribed to the
 * event's type, holding the event as that workspace sees it (`eventForWorkspace`: another side's private
 * data never reaches it). Idempotent by (event id, endpoint): the delivery id comes from the event id,
 * so the same event consumed twice (at least once) creates nothing new; a delivery it finds still pending
 * with no attempt is enqueued again (its first run may have failed between the write and the send). The
 * first attempts are enqueued at once (queue.ts).
 */
import { UseCaseContext } from '../../context';
import { subscribes } from '../../domain/webhooks';
import { eventForWorkspace, type EventConsumer, type RecordedEvent } from '../../events/types';
import type { StoredWebhook } from '../../store/webhooks';
import { enqueueAttempts, type DueAttempt } from './queue';
import { deliveryIdOf } from './service';

export interface FanOutResult {
  created: number;
  /** Existing deliveries still pending with no attempt, enqueued again. */
  requeued: number;
}

export async function fanOut(events: readonly RecordedEvent[], now: Date = new Date()): Promise<FanOutResult> {
  const ctx = UseCaseContext.forSystem('system:webhooks', now);
  const at = ctx.at;
  const endpoints = new Map<string, Promise<StoredWebhook[]>>();
  const endpointsOf = (workspaceId: string) => {
    let found = endpoints.get(workspaceId);
    if (!found) endpoints.set(workspaceId, (found = ctx.store.webhooks.all(workspaceId)));
    return found;
  };
  const due: DueAttempt[] = [];
  let created = 0;
  await Promise.all(
    events.flatMap((recorded) =>
      [...new Set(recorded.audience)].map(async (workspaceId) => {
        const view = eventForWorkspace(recorded, workspaceId);
        if (!view) return;
        const subscribed = (await endpointsOf(workspaceId)).filter((w) => w.status === 'enabled' && subscribes(w.eventTypes, view.type));
        const body = JSON.stringify(view);
        for (const webhook of subscribed) {
          const deliveryId = deliveryIdOf(view.id);
          const isNew = await ctx.store.webhooks.createDelivery(
            {
              deliveryId,
              webhookId: webhook.webhookId,
              workspaceId,
              eventId: view.id,
              eventType: view.type,
              createdAt: at,
              correlationId: view.correlationid,
              body,
            },
            at,
          );
          if (isNew) {
            created += 1;
            due.push({ webhookId: webhook.webhookId, deliveryId, dueAt: at });
            continue;
          }
          // Already there: a redelivered event whose first run failed to enqueue (the delivery committed,
          // the SQS send did not). Still pending with no attempt: enqueue it again (the deliverer skips a
          // duplicate: it attempts a delivery only while pending and due, recorded under its version).
          const existing = await ctx.store.webhooks.delivery(webhook.webhookId, deliveryId);
          if (existing && existing.status === 'pending' && existing.attempts.length === 0) {
            due.push({ webhookId: webhook.webhookId, deliveryId, dueAt: existing.nextAttemptAt ?? at });
          }
        }
      }),
    ),
  );
  await enqueueAttempts(due);
  return { created, requeued: due.length - created };
}

/** The consumer the event dispatcher (locally) and the fan-out function (deployed) call. */
export const fanOutToWebhooks: EventConsumer = async (events) => {
  await fanOut(events);
};
