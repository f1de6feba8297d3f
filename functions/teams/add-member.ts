import { addTeamMember } from '../../shared/features/teams/routes';
import { addMember } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(addTeamMember, ({ ctx, params, body }) => addMember(ctx, params.teamId, body.email));
