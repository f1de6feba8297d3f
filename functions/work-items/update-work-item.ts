import { updateWorkItem } from '../../shared/features/teams/routes';
import { updateWorkItem as update } from '../../shared/features/teams/work-items';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(updateWorkItem, ({ ctx, params, body }) => update(ctx, params.workItemId, body));
