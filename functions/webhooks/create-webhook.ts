import { createWebhook } from '../../shared/features/webhooks/routes';
import { createWebhook as create } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createWebhook, ({ ctx, params, body }) => create(ctx, params.workspaceId, body));
