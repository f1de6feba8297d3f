import { testWebhook } from '../../shared/features/webhooks/routes';
import { sendTestEvent } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(testWebhook, ({ ctx, params }) => sendTestEvent(ctx, params.webhookId));
