import { legacyHttpHandler } from '../../shared/http/handler';
import { withdrawPartnerInvitation } from '../../shared/routes/teams';
import { withdrawInvitation } from '../../shared/services/team-partners';

export const handler = legacyHttpHandler(withdrawPartnerInvitation, async (request) => {
  await withdrawInvitation(request, request.params.invitationId, request.now);
});
