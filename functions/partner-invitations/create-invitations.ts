import { legacyHttpHandler } from '../../shared/http/handler';
import { createPartnerInvitations } from '../../shared/routes/teams';
import { invitePartners } from '../../shared/services/team-partners';
import { teamContext } from '../../shared/services/teams';

export const handler = legacyHttpHandler(createPartnerInvitations, async (request) =>
  invitePartners(teamContext(request, request.params.teamId), request.user.email, request.body.invitations, request.now),
);
