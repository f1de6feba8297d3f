import { removeTeamPartner } from '../../shared/features/team-partners/routes';
import { removePartner } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(removeTeamPartner, ({ ctx, params }) => removePartner(ctx, params.teamId, params.userId));
