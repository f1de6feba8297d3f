/**
 * Notifications (SPEC §7) are recorded in the transaction of the change that causes them (the
 * outbox), so none is lost when sending fails; delivery (SES deployed, GET /local/outbox locally)
 * reads them afterwards. The subject is rendered from the template when recorded.
 */
import { recordNotification } from '../store/activity';
import type { Transaction } from '../store/transaction';
import { renderSubject, type TemplateName } from './subjects';

export interface Notification {
  template: TemplateName;
  to: readonly string[];
  data: Record<string, unknown>;
  at: string;
}

/** Records the notification for each recipient (none: nothing is recorded). */
export function notify(tx: Transaction, notification: Notification): void {
  if (notification.to.length === 0) return;
  recordNotification(tx, { ...notification, subject: renderSubject(notification.template, notification.data) });
}
