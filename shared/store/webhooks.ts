/**
 * Webhook endpoints and their deliveries (SPEC §11). Keys in keys.ts ("webhooks (issue 16)").
 *
 * Access patterns:
 *   webhook by id                     GetItem (batched)   WS#<ws>#WEBHOOKS / WEBHOOK#<webhookId>
 *   webhooks of a workspace           Query               WS#<ws>#WEBHOOKS / WEBHOOK#...       (at most 10: one page)
 *   count of a workspace's webhooks   item                WS#<ws>#WEBHOOKS / COUNT             (conditioned < 10 on create)
 *   delivery by id                    GetItem             WH#<webhookId> / DLV#<deliveryId>
 *   deliveries of a webhook           Query gsi1          WH#<webhookId>#DLV / <createdAt>#<deliveryId>   newest first
 *   deliveries due at a time          Query gsi2          DUE#WEBHOOK / <= "<now>~"             oldest first (local job, hourly sweep)
 */
import { appendEvent } from './events';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { MAX_WEBHOOKS_PER_WORKSPACE } from '../domain/webhooks';
import type { CloudEvent, RecordedEvent } from '../events/types';
import { db, tableName } from './client';
import { nextVersion, versionIs } from './concurrency';
import { defineEntity, isoTime } from './entity';
import {
  and,
  compile,
  eq,
  increment,
  isNull,
  itemExists,
  itemIsNew,
  keyCondition,
  lt,
  notExists,
  or,
  prefixRange,
  type Condition,
  type Update,
} from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** A final delivery (delivered or failed) is kept 30 days for its log and redelivery, then expires (table TTL). */
export const DELIVERY_TTL_SECONDS = 30 * 24 * 3600;

export const WEBHOOK_CONDITIONS = {
  /** The workspace has fewer than MAX_WEBHOOKS_PER_WORKSPACE endpoints. */
  belowLimit: 'webhook.below_limit',
  /** The endpoint is still the version that was read. */
  unchanged: 'webhook.unchanged',
  /** The endpoint is still enabled (disabling it once). */
  stillEnabled: 'webhook.still_enabled',
  /** The delivery is still the version that was read. */
  deliveryUnchanged: 'webhook.delivery_unchanged',
} as const;

const sealedSecret = z.object({
  /** The secret sealed by the webhook secret sealer (KMS deployed, AES-GCM locally): never the plain secret. */
  sealed: z.string(),
  createdAt: z.string(),
  /** Set on the previous secret at rotation: it still signs until then. */
  expiresAt: z.nullable(z.string()),
});
export type SealedSecret = z.output<typeof sealedSecret>;

export const WEBHOOK_STATUSES = ['enabled', 'disabled'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

const webhookEntity = defineEntity(
  ENTITY.webhook,
  z.object({
    webhookId: z.string(),
    workspaceId: z.string(),
    url: z.string(),
    description: z.nullable(z.string()),
    eventTypes: z.array(z.string()),
    status: z.enum(WEBHOOK_STATUSES),
    /** The current secret first, then at most one previous one in its grace period. */
    secrets: z.array(sealedSecret),
    /** The first failed attempt since the last delivered one (null: not failing). */
    failingSince: z.nullable(z.string()),
    lastDeliveredAt: z.nullable(z.string()),
    disabledAt: z.nullable(z.string()),
    createdAt: isoTime(),
    createdBy: z.string(),
    updatedAt: isoTime(),
    version: z.number(),
  }),
);
export type StoredWebhook = ReturnType<typeof webhookEntity.parse>;

const attempt = z.object({
  at: z.string(),
  statusCode: z.optional(z.number()),
  error: z.optional(z.string()),
  durationMs: z.number(),
  /** At most 1 KB of the response body. */
  responseBody: z.optional(z.string()),
});
export type DeliveryAttempt = z.output<typeof attempt>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const deliveryEntity = defineEntity(
  ENTITY.webhookDelivery,
  z.object({
    deliveryId: z.string(),
    webhookId: z.string(),
    workspaceId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.array(attempt),
    nextAttemptAt: z.nullable(z.string()),
    /** The first attempt of the current round (a redelivery starts a new round): the retry window counts from it. */
    firstAttemptAt: z.nullable(z.string()),
    createdAt: z.string(),
    /** The correlation id of the change that caused the event (or of the request that asked for a test or redelivery). */
    correlationId: z.string(),
    /** The event as this workspace sees it, serialized once: every attempt signs and sends these bytes. */
    body: z.string(),
    version: z.number(),
  }),
);
export type StoredDelivery = ReturnType<typeof deliveryEntity.parse>;

const counterEntity = defineEntity(ENTITY.webhookCounter, z.object({ workspaceId: z.string(), count: z.number() }));

export type NewWebhook = Omit<StoredWebhook, 'version'>;
export type NewDelivery = Omit<StoredDelivery, 'version' | 'attempts' | 'status' | 'firstAttemptAt' | 'nextAttemptAt'>;

/** What the deliverer writes after one attempt. */
export interface AttemptOutcome {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  firstAttemptAt: string;
}

export class WebhooksRepository {
  constructor(private readonly loader: Loader) {}

  async get(webhookId: string): Promise<StoredWebhook | undefined> {
    if (keys.scopeOf(webhookId) === undefined) return undefined;
    return webhookEntity.parseOptional(await this.loader.load(keys.webhook(webhookId)));
  }

  /** The workspace's endpoints (at most 10: one Query), oldest first. */
  async page(workspaceId: string, page: PageRequest): Promise<Page<StoredWebhook>> {
    const partition = keys.webhooksPartition(workspaceId);
    const result = await queryPage(
      { keyCondition: keyCondition({ name: 'pk', value: partition }, { name: 'sk', between: prefixRange(keys.webhookPrefix) }) },
      { ...page, scope: `${partition}#webhooks`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => webhookEntity.parse(item));
  }

  /** Every endpoint of a workspace (fan-out: at most 10, one Query). */
  async all(workspaceId: string): Promise<StoredWebhook[]> {
    return (await this.page(workspaceId, { limit: 100 })).items;
  }

  /** Adds an endpoint, counted against the workspace's limit (WEBHOOK_CONDITIONS.belowLimit). */
  create(tx: Transaction, webhook: NewWebhook): void {
    tx.put(webhookEntity.item(keys.webhook(webhook.webhookId), { ...webhook, version: 1 }), {
      condition: itemIsNew(),
      name: WEBHOOK_CONDITIONS.unchanged,
    });
    tx.update(
      keys.webhookCounter(webhook.workspaceId),
      { set: { type: ENTITY.webhookCounter, workspaceId: webhook.workspaceId, count: increment(1) } },
      { condition: or(notExists('count'), lt('count', MAX_WEBHOOKS_PER_WORKSPACE)), name: WEBHOOK_CONDITIONS.belowLimit },
    );
  }

  /** Replaces the endpoint read at `seen.version` (WEBHOOK_CONDITIONS.unchanged). */
  replace(tx: Transaction, seen: StoredWebhook, next: StoredWebhook): void {
    tx.put(webhookEntity.item(keys.webhook(seen.webhookId), { ...next, version: seen.version + 1 }), {
      condition: versionIs(seen.version),
      name: WEBHOOK_CONDITIONS.unchanged,
    });
  }

  /** Deletes the endpoint read at `seen.version` and uncounts it (its final deliveries expire by TTL, DELIVERY_TTL_SECONDS). */
  remove(tx: Transaction, seen: StoredWebhook): void {
    tx.delete(keys.webhook(seen.webhookId), { condition: versionIs(seen.version), name: WEBHOOK_CONDITIONS.unchanged });
    tx.update(
      keys.webhookCounter(seen.workspaceId),
      { set: { count: increment(-1) } },
      { condition: itemExists(), name: WEBHOOK_CONDITIONS.unchanged },
    );
  }

  /** A delivered attempt: the endpoint is not failing (any more). */
  async markDelivering(webhookId: string, at: string): Promise<void> {
    await this.updateIfExists(webhookId, { set: { lastDeliveredAt: at, failingSince: null, version: nextVersion() } });
  }

  /** The first failed attempt since the last delivered one (only when not failing already). */
  async markFailing(webhookId: string, at: string): Promise<void> {
    await this.updateIfExists(webhookId, { set: { failingSince: at, version: nextVersion() } }, isNull('failingSince'));
  }

  /** Disables the endpoint if it is still enabled (WEBHOOK_CONDITIONS.stillEnabled). */
  disable(tx: Transaction, webhookId: string, at: string): void {
    tx.update(
      keys.webhook(webhookId),
      { set: { status: 'disabled', disabledAt: at, updatedAt: at, version: nextVersion() } },
      { condition: eq('status', 'enabled'), name: WEBHOOK_CONDITIONS.stillEnabled },
    );
  }

  private async updateIfExists(webhookId: string, update: Update, condition?: Condition): Promise<void> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.webhook(webhookId),
          ...compile({ update, condition: condition ? and(itemExists(), condition) : itemExists() }),
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** How many endpoints the workspace has (the counter). */
  async count(workspaceId: string): Promise<number> {
    return counterEntity.parseOptional(await this.loader.load(keys.webhookCounter(workspaceId)))?.count ?? 0;
  }

  // ---- deliveries -----------------------------------------------------------------------------------

  async delivery(webhookId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    return deliveryEntity.parseOptional(await this.loader.load(keys.webhookDelivery(webhookId, deliveryId)));
  }

  /** Deliveries of an endpoint, newest first. */
  async deliveriesPage(webhookId: string, page: PageRequest): Promise<Page<StoredDelivery>> {
    const partition = keys.webhookDeliveriesPartition(webhookId);
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: TABLE.indexes.byOwner.partitionKey, value: partition }),
        newestFirst: true,
      },
      { ...page, scope: partition, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => deliveryEntity.parse(item));
  }

  /**
   * Records a delivery, pending from `dueAt`, unless one with its id exists (fan-out runs at least once:
   * the id comes from the event id, so a second run creates nothing). Returns whether it was created.
   */
  async createDelivery(delivery: NewDelivery, dueAt: string): Promise<boolean> {
    const record: StoredDelivery = { ...delivery, status: 'pending', attempts: [], nextAttemptAt: dueAt, firstAttemptAt: null, version: 1 };
    const item = deliveryEntity.item(keys.webhookDelivery(delivery.webhookId, delivery.deliveryId), record, {
      ...keys.webhookDeliveryIndex(delivery.webhookId, delivery.createdAt, delivery.deliveryId),
      ...keys.webhookDeliveryDue(dueAt, delivery.webhookId, delivery.deliveryId),
    });
    try {
      await db().send(new PutCommand({ TableName: tableName(), Item: item, ...compile({ condition: itemIsNew() }) }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Writes one attempt's outcome on the delivery read at `seen.version` (WEBHOOK_CONDITIONS.deliveryUnchanged). */
  recordAttempt(tx: Transaction, seen: StoredDelivery, outcome: AttemptOutcome, maxAttempts: number): void {
    const attempts = [...seen.attempts, outcome.attempt].slice(-maxAttempts);
    tx.update(
      keys.webhookDelivery(seen.webhookId, seen.deliveryId),
      {
        set: {
          attempts,
          status: outcome.status,
          nextAttemptAt: outcome.nextAttemptAt,
          firstAttemptAt: outcome.firstAttemptAt,
          version: nextVersion(),
          ...keys.webhookDeliveryDue(outcome.nextAttemptAt ?? undefined, seen.webhookId, seen.deliveryId),
          // Final (delivered or failed): DynamoDB deletes it DELIVERY_TTL_SECONDS later; pending: kept.
          [TABLE.ttlAttribute]:
            outcome.status === 'pending' ? undefined : Math.floor(Date.parse(outcome.attempt.at) / 1000) + DELIVERY_TTL_SECONDS,
        },
      },
      { condition: versionIs(seen.version), name: WEBHOOK_CONDITIONS.deliveryUnchanged },
    );
  }

  /** Makes a delivery pending again from `dueAt` (a redelivery starts a new round of attempts). */
  redeliver(tx: Transaction, seen: StoredDelivery, dueAt: string, correlationId: string): void {
    tx.update(
      keys.webhookDelivery(seen.webhookId, seen.deliveryId),
      {
        set: {
          status: 'pending',
          nextAttemptAt: dueAt,
          firstAttemptAt: null,
          correlationId,
          version: nextVersion(),
          ...keys.webhookDeliveryDue(dueAt, seen.webhookId, seen.deliveryId),
          // Pending again: no expiry.
          [TABLE.ttlAttribute]: undefined,
        },
      },
      { condition: versionIs(seen.version), name: WEBHOOK_CONDITIONS.deliveryUnchanged },
    );
  }

  /** Deliveries due at `at` (ISO), oldest first: the local job, and the hourly job's sweep of what a lost message left behind (features/webhooks/job.ts). */
  async duePage(
    at: string,
    page: PageRequest,
  ): Promise<{ items: Array<{ webhookId: string; deliveryId: string; dueAt: string }>; nextCursor: string | null }> {
    const due = TABLE.indexes.due;
    const upTo = keys.dueUpTo(at);
    const result = await queryPage(
      {
        index: 'due',
        keyCondition: keyCondition({ name: due.partitionKey, value: keys.webhookDuePartition }, { name: due.sortKey, lte: upTo }),
        projection: [due.sortKey],
      },
      { ...page, scope: `${keys.webhookDuePartition}|${upTo}` },
    );
    const items: Array<{ webhookId: string; deliveryId: string; dueAt: string }> = [];
    for (const item of result.items) {
      const dueKey = String(item[due.sortKey]);
      const parts = keys.webhookDueParts(dueKey);
      if (parts) items.push({ ...parts, dueAt: dueKey.slice(0, dueKey.indexOf('#')) });
    }
    return { items, nextCursor: result.nextCursor };
  }
}

/**
 * THE call site that records a webhook's state change as a domain event (SPEC §11: webhook.created,
 * updated, deleted, secret_rotated, disabled) in the outbox, in the transaction of the change; the
 * audience is the endpoint's workspace.
 */
export function recordWebhookEvent(tx: Transaction, event: CloudEvent<Record<string, unknown>>, workspaceId: string): RecordedEvent {
  return appendEvent(tx, {
    type: event.type,
    subject: event.subject,
    data: event.data,
    audience: [workspaceId],
    correlationId: event.correlationid,
    at: event.time,
  });
}
