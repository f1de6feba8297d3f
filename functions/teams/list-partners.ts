import { legacyHttpHandler } from '../../shared/http/handler';
import { listTeamPartners } from '../../shared/routes/teams';
import { listPartners, partnersPage } from '../../shared/services/team-partners';
import { teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(
  listTeamPartners,
  { prefetch: ({ params, query }) => partnersPage(params.teamId, query) },
  async (request) => listPartners(teamContext(request, request.params.teamId, 'canRead', 'Join the team to see its partners.'), request.prefetched),
);
