import { createPartnerInvitations } from '../../shared/features/team-partners/routes';
import { invitePartners } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createPartnerInvitations, ({ ctx, params, body }) =>
  invitePartners(ctx, params.teamId, body.invitations),
);
