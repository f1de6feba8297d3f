import { updateWebhook } from '../../shared/features/webhooks/routes';
import { updateWebhook as update } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(updateWebhook, ({ ctx, params, body }) => update(ctx, params.webhookId, body));
