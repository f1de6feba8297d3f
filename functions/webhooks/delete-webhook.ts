import { deleteWebhook } from '../../shared/features/webhooks/routes';
import { deleteWebhook as remove } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(deleteWebhook, ({ ctx, params }) => remove(ctx, params.webhookId));
