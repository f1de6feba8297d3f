import { legacyHttpHandler } from '../../shared/http/handler';
import { declinePartnerInvitation } from '../../shared/routes/teams';
import { declineInvitation } from '../../shared/services/team-partners';

export const handler = legacyHttpHandler(declinePartnerInvitation, async (request) =>
  declineInvitation(request, request.params.invitationId, request.body.reason, request.now),
);
