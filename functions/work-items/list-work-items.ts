import { listWorkItems } from '../../shared/features/teams/routes';
import { listWorkItems as list } from '../../shared/features/teams/work-items';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listWorkItems, ({ ctx, params, query }) => list(ctx, params.teamId, query));
