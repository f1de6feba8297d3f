import { legacyHttpHandler } from '../../shared/http/handler';
import { removeTeamMember } from '../../shared/routes/teams';
import { removeMember, teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(removeTeamMember, async (request) => {
  await removeMember(request, teamContext(request, request.params.teamId), request.params.userId, request.now);
});
