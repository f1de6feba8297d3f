import { legacyHttpHandler } from '../../shared/http/handler';
import { updateTeamMember } from '../../shared/routes/teams';
import { teamContext, updateMemberRole } from '../../shared/services/teams';

export const handler = legacyHttpHandler(updateTeamMember, async (request) => {
  const ctx = teamContext(request, request.params.teamId, 'canManageMembers', 'Only the team Owner/Admins change team roles.');
  return updateMemberRole(request, ctx, request.params.userId, request.body.role, request.now);
});
