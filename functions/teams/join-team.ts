import { legacyHttpHandler } from '../../shared/http/handler';
import { joinTeam } from '../../shared/routes/teams';
import { joinTeam as join, teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(joinTeam, async (request) => join(teamContext(request, request.params.teamId), request.now));
