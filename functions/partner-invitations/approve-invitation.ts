import { legacyHttpHandler } from '../../shared/http/handler';
import { approvePartnerInvitation } from '../../shared/routes/teams';
import { approveInvitation } from '../../shared/services/team-partners';

export const handler = legacyHttpHandler(approvePartnerInvitation, async (request) =>
  approveInvitation(request, request.params.invitationId, request.now),
);
