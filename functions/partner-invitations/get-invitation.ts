import { getPartnerInvitation } from '../../shared/features/team-partners/routes';
import { readPartnerInvitation } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getPartnerInvitation, ({ ctx, params }) => readPartnerInvitation(ctx, params.invitationId));
