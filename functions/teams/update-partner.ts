import { updateTeamPartner } from '../../shared/features/team-partners/routes';
import { changePartnerPermission } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(updateTeamPartner, ({ ctx, params, body }) =>
  changePartnerPermission(ctx, params.teamId, params.userId, body.permission),
);
