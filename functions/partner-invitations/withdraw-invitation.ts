import { withdrawPartnerInvitation } from '../../shared/features/team-partners/routes';
import { withdrawInvitation } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(withdrawPartnerInvitation, ({ ctx, params }) => withdrawInvitation(ctx, params.invitationId));
