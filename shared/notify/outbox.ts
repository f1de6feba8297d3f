/**
 * Notifications (SPEC §7): recorded durably as items of the table, in the same transaction as the
 * state change that causes them, so none is lost when sending fails. Delivery (SES deployed, the
 * local outbox locally) reads them afterwards.
 */
import { newId } from '../ids';
import { ENTITY, keys, normalizeEmail } from '../store/keys';
import { put, queryPage, type TransactItem } from '../data/dynamo';
import { renderSubject, type TemplateName } from './templates';

export interface NotificationInput {
  template: TemplateName;
  to: string[];
  data: Record<string, unknown>;
  at: string;
}

/** One item per recipient (deduplicated, case-insensitively). */
export function notificationItems(notification: NotificationInput): TransactItem[] {
  const recipients = [...new Set(notification.to.map(normalizeEmail))];
  return recipients.map((to) => {
    const id = newId(Date.parse(notification.at));
    return put({
      ...keys.notification(to, notification.at, id),
      type: ENTITY.notification,
      id,
      to,
      template: notification.template,
      subject: renderSubject(notification.template, notification.data),
      data: notification.data,
      at: notification.at,
      deliveryStatus: 'pending',
    });
  });
}

export async function listNotifications(email: string, page: { limit: number; cursor?: string }) {
  const pk = keys.notificationPartition(email);
  const result = await queryPage(
    { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false },
    { ...page, scope: pk },
  );
  return {
    items: result.items.map(({ to, template, subject, data, at }) => ({ to, template, subject, data, at })),
    nextCursor: result.nextCursor,
  };
}
