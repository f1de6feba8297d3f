import { removeTeamMember } from '../../shared/features/teams/routes';
import { removeMember } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(removeTeamMember, ({ ctx, params }) => removeMember(ctx, params.teamId, params.userId));
