import { createWorkItem } from '../../shared/features/teams/routes';
import { createWorkItem as create } from '../../shared/features/teams/work-items';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createWorkItem, ({ ctx, params, body }) => create(ctx, params.teamId, body));
