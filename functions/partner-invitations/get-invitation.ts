import { legacyHttpHandler } from '../../shared/http/handler';
import { getPartnerInvitation } from '../../shared/routes/teams';
import { invitationContext, invitationView } from '../../shared/services/team-partners';

export const handler = legacyHttpHandler(getPartnerInvitation, async (request) =>
  invitationView(invitationContext(request, request.params.invitationId).invitation),
);
