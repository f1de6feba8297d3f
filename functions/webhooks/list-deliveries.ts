import { listWebhookDeliveries } from '../../shared/features/webhooks/routes';
import { listDeliveries } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listWebhookDeliveries, ({ ctx, params, query }) => listDeliveries(ctx, params.webhookId, query));
