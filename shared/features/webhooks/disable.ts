/**
 * Disabling an endpoint whose deliveries have all failed for 3 days (SPEC §11): in one transaction the
 * endpoint's status, its webhook.disabled.v1 event, the activity entry and the e-mail to the workspace's
 * Owner/Admins (template `webhook.disabled`); then the WebhookEndpointsDisabled metric. Only the first
 * attempt to disable it does anything (WEBHOOK_CONDITIONS.stillEnabled).
 */
import type { UseCaseContext } from '../../context';
import { notify } from '../../notify/notify';
import { appendActivity } from '../../store/activity';
import { adminEmailsOf } from '../../store/users';
import { recordWebhookEvent, WEBHOOK_CONDITIONS, type StoredWebhook } from '../../store/webhooks';
import { countDelivery } from './metrics';
import { webhookEvent } from './service';

class AlreadyDisabled extends Error {}

/** Returns whether this call disabled it. */
export async function disableWebhook(ctx: UseCaseContext, webhook: StoredWebhook, correlationId: string): Promise<boolean> {
  const workspace = await ctx.store.users.workspace(webhook.workspaceId);
  const at = ctx.at;
  const failingSince = webhook.failingSince ?? at;
  const tx = ctx.store.transaction();
  ctx.store.webhooks.disable(tx, webhook.webhookId, at);
  appendActivity(tx, [{ kind: 'workspace', id: webhook.workspaceId }], {
    actorId: ctx.actorId,
    action: 'webhook.disabled',
    target: { type: 'webhook', id: webhook.webhookId },
    data: { url: webhook.url, failingSince },
    at,
  });
  recordWebhookEvent(
    tx,
    webhookEvent(ctx, 'webhook.disabled.v1', { ...webhook, status: 'disabled' }, { failingSince, disabledAt: at }, correlationId),
    webhook.workspaceId,
  );
  notify(tx, {
    template: 'webhook.disabled',
    to: workspace ? adminEmailsOf(workspace) : [],
    data: {
      webhookId: webhook.webhookId,
      workspaceId: webhook.workspaceId,
      workspaceName: workspace?.name ?? null,
      url: webhook.url,
      host: new URL(webhook.url).host,
      failingSince,
    },
    at,
  });
  try {
    await tx.commit({ [WEBHOOK_CONDITIONS.stillEnabled]: () => new AlreadyDisabled() });
  } catch (error) {
    if (error instanceof AlreadyDisabled) return false;
    throw error;
  }
  countDelivery('disabled');
  return true;
}
