import { updateTeam } from '../../shared/features/teams/routes';
import { updateTeam as update } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(updateTeam, ({ ctx, params, body }) => update(ctx, params.teamId, body));
