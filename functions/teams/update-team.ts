import { legacyHttpHandler } from '../../shared/http/handler';
import { updateTeam } from '../../shared/routes/teams';
import { teamContext, updateTeam as update } from '../../shared/services/teams';

export const handler = legacyHttpHandler(updateTeam, async (request) =>
  update(teamContext(request, request.params.teamId, 'canEditSettings', 'Only the team Owner/Admins and workspace Owner/Admins change team settings.'), request.body, request.now),
);
