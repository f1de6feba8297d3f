import { rotateWebhookSecret } from '../../shared/features/webhooks/routes';
import { rotateSecret } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(rotateWebhookSecret, ({ ctx, params }) => rotateSecret(ctx, params.webhookId));
