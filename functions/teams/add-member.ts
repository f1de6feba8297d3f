import { legacyHttpHandler } from '../../shared/http/handler';
import { addTeamMember } from '../../shared/routes/teams';
import { addMember, teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(addTeamMember, async (request) =>
  addMember(teamContext(request, request.params.teamId, 'canAddMembers', 'Only members of the team can add colleagues to it.'), request.body.email, request.now),
);
