import { legacyHttpHandler } from '../../shared/http/handler';
import { updateTeamPartner } from '../../shared/routes/teams';
import { updatePartnerPermission } from '../../shared/services/team-partners';
import { teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(updateTeamPartner, async (request) =>
  updatePartnerPermission(request, teamContext(request, request.params.teamId), request.params.userId, request.body.permission, request.now),
);
