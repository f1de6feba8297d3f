import { listWebhooks } from '../../shared/features/webhooks/routes';
import { listWebhooks as list } from '../../shared/features/webhooks/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listWebhooks, ({ ctx, params, query }) => list(ctx, params.workspaceId, query));
