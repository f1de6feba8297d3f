import { listTeams } from '../../shared/features/teams/routes';
import { listTeams as list } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listTeams, ({ ctx, params, query }) => list(ctx, params.workspaceId, query));
