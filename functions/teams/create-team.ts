import { createTeam } from '../../shared/features/teams/routes';
import { createTeam as create } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createTeam, ({ ctx, params, body }) => create(ctx, params.workspaceId, body));
