import { legacyHttpHandler } from '../../shared/http/handler';
import { removeTeamPartner } from '../../shared/routes/teams';
import { removePartner } from '../../shared/services/team-partners';
import { teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(removeTeamPartner, async (request) => {
  await removePartner(request, teamContext(request, request.params.teamId), request.params.userId, request.now);
});
