import { joinTeam } from '../../shared/features/teams/routes';
import { joinTeam as join } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(joinTeam, ({ ctx, params }) => join(ctx, params.teamId));
