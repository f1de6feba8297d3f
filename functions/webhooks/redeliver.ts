import { redeliverWebhookDelivery } from '../../shared/features/webhooks/routes';
import { redeliver } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(redeliverWebhookDelivery, ({ ctx, params }) => redeliver(ctx, params.webhookId, params.deliveryId));
