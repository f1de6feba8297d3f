import { httpHandler } from '../../shared/http/handler';
import { listTeams } from '../../shared/routes/teams';
import { listTeams as list } from '../../shared/services/teams';

export const handler = httpHandler(listTeams, async ({ user, params, query }) => list(user, params.workspaceId, query));
