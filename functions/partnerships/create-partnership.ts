import { createPartnership } from '../../shared/features/partnerships/routes';
import { requestPartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createPartnership, ({ ctx, params, body }) => requestPartnership(ctx, params.workspaceId, body));
