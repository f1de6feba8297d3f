/**
 * The activity log and the notification outbox: both are appended in the same transaction as the
 * change they record, so there is no change without its entry and no entry without its change.
 *
 * Access patterns:
 *   activity of a scope, newest first   Query   ACT#WS#<ws> | ACT#PS#<partnership> / <at>#<id>
 *   notifications of an e-mail address  Query   NOTE#<email> / <at>#<id>
 *   one notification (local outbox)     GetItem NOTE#<email> / <at>#<id>
 * An activity entry that belongs to several scopes (a partnership and its two workspaces) is written
 * once per scope, so each log is one plain Query.
 */
import * as z from 'zod/mini';
import { newId } from '../ids';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type Item } from './client';
import { compile, itemExists } from './expressions';
import { defineEntity } from './entity';
import { keyCondition } from './expressions';
import { Loader } from './loader';
import { ENTITY, keys, normalizeEmail, type ActivityScope, type Key } from './keys';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import type { Transaction } from './transaction';

export type { ActivityScope } from './keys';

export interface ActivityInput {
  actorId: string;
  /** Dotted verb, e.g. "workspace.member_added", "partnership.approved", "account.login". */
  action: string;
  target: { type: string; id: string };
  data?: Record<string, unknown>;
  at: string;
}

const activityEntity = defineEntity(
  ENTITY.activity,
  z.object({
    id: z.string(),
    scope: z.string(),
    actorId: z.string(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
  }),
);
export type ActivityEntry = Omit<ReturnType<typeof activityEntity.parse>, 'scope'>;

export interface NotificationInput {
  template: string;
  /** Rendered from the template when recorded (shared/notify). */
  subject: string;
  to: readonly string[];
  data: Record<string, unknown>;
  at: string;
}

const notificationEntity = defineEntity(
  ENTITY.notification,
  z.object({
    id: z.string(),
    to: z.string(),
    template: z.string(),
    subject: z.string(),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
    deliveryStatus: z.enum(['pending', 'delivered']),
    /** The correlation id of the change that caused it (SPEC §1); absent on items older than it. */
    correlationId: z.optional(z.string()),
  }),
);
export type NotificationRecord = ReturnType<typeof notificationEntity.parse>;

/** Appends an activity entry to each scope's log. */
export function appendActivity(tx: Transaction, scopes: readonly ActivityScope[], entry: ActivityInput): void {
  const id = newId(Date.parse(entry.at));
  for (const scope of scopes) {
    tx.put(
      activityEntity.item(keys.activity(scope, entry.at, id), {
        id,
        scope: `${scope.kind}:${scope.id}`,
        actorId: entry.actorId,
        action: entry.action,
        target: entry.target,
        data: entry.data ?? {},
        at: entry.at,
      }),
    );
  }
}

export async function listActivity(scope: ActivityScope, page: PageRequest): Promise<Page<ActivityEntry>> {
  const pk = keys.activityPartition(scope);
  const result = await queryPage({ keyCondition: keyCondition({ name: 'pk', value: pk }), newestFirst: true }, { ...page, scope: pk });
  return mapPage(result, (item) => {
    const { scope: _scope, ...entry } = activityEntity.parse(item);
    return entry;
  });
}

/** Records a notification: one outbox item per recipient (deduplicated, case-insensitively). */
export function recordNotification(tx: Transaction, notification: NotificationInput): void {
  for (const to of new Set(notification.to.map(normalizeEmail))) {
    const id = newId(Date.parse(notification.at));
    tx.put(
      notificationEntity.item(keys.notification(to, notification.at, id), {
        id,
        to,
        template: notification.template,
        subject: notification.subject,
        data: notification.data,
        at: notification.at,
        deliveryStatus: 'pending',
        ...(tx.correlationId ? { correlationId: tx.correlationId } : {}),
      }),
    );
  }
}

export async function listNotifications(email: string, page: PageRequest): Promise<Page<NotificationRecord>> {
  const pk = keys.notificationPartition(email);
  const result = await queryPage({ keyCondition: keyCondition({ name: 'pk', value: pk }), newestFirst: true }, { ...page, scope: pk });
  return mapPage(result, (item) => notificationEntity.parse(item));
}

/** One notification by its key parts (GET /local/outbox/{id}.html), or undefined. */
export async function getNotification(email: string, at: string, id: string): Promise<NotificationRecord | undefined> {
  const item = await new Loader().load(keys.notification(email, at, id));
  return item ? notificationEntity.parse(item) : undefined;
}

/**
 * A notification item as stored (what the table stream carries), by the key the delivery function
 * logged (scripts/ops/redeliver-notifications.ts); undefined when gone or not a notification.
 */
export async function notificationItem(key: Key): Promise<Item | undefined> {
  const item = await new Loader().load({ pk: key.pk, sk: key.sk });
  return item && item.type === ENTITY.notification ? item : undefined;
}

/** What the redelivery does with a logged key: send it again only while it is still pending. */
export function redeliveryOf(item: Item | undefined): 'redeliver' | 'already-delivered' | 'gone' {
  if (!item) return 'gone';
  return item.deliveryStatus === 'delivered' ? 'already-delivered' : 'redeliver';
}

/** A notification item from the table stream (the delivery function), or undefined when the item is something else. */
export function notificationFromStream(item: Item): (NotificationRecord & Key) | undefined {
  if (item.type !== ENTITY.notification) return undefined;
  return { ...notificationEntity.parse(item), pk: String(item.pk), sk: String(item.sk) };
}

/** Marks a sent notification delivered; false when its item is gone (TTL) meanwhile. */
export async function markNotificationDelivered(key: Key, at: string, messageId: string | undefined): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: key.pk, sk: key.sk },
        ...compile({
          update: { set: { deliveryStatus: 'delivered', deliveredAt: at, messageId: messageId ?? null } },
          condition: itemExists(),
        }),
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
