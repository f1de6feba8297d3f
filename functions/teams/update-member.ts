import { updateTeamMember } from '../../shared/features/teams/routes';
import { changeMemberRole } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(updateTeamMember, ({ ctx, params, body }) =>
  changeMemberRole(ctx, params.teamId, params.userId, body.role),
);
