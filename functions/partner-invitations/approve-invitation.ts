import { approvePartnerInvitation } from '../../shared/features/team-partners/routes';
import { approveInvitation } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(approvePartnerInvitation, ({ ctx, params }) => approveInvitation(ctx, params.invitationId));
