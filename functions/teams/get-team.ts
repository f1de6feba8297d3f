import { getTeam } from '../../shared/features/teams/routes';
import { readTeam } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getTeam, ({ ctx, params }) => readTeam(ctx, params.teamId));
