import { legacyHttpHandler } from '../../shared/http/handler';
import { listTeams } from '../../shared/routes/teams';
import { listTeams as list, teamsPage } from '../../shared/services/teams';

export const handler = legacyHttpHandler(
  listTeams,
  { prefetch: ({ params, query, callerId }) => teamsPage(params.workspaceId, callerId, query) },
  async ({ user, params, prefetched }) => list(user, params.workspaceId, prefetched),
);
