import { legacyHttpHandler } from '../../shared/http/handler';
import { listTeamMembers } from '../../shared/routes/teams';
import { listMembers, membersPage, teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(
  listTeamMembers,
  { prefetch: ({ params, query }) => membersPage(params.teamId, query) },
  async (request) => listMembers(teamContext(request, request.params.teamId, 'canRead', 'Join the team to see its members.'), request.prefetched),
);
