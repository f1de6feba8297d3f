import { declinePartnerInvitation } from '../../shared/features/team-partners/routes';
import { declineInvitation } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(declinePartnerInvitation, ({ ctx, params, body }) =>
  declineInvitation(ctx, params.invitationId, body.reason),
);
