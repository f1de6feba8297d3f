import { getWebhook } from '../../shared/features/webhooks/routes';
import { readWebhook } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getWebhook, ({ ctx, params }) => readWebhook(ctx, params.webhookId));
