import { listTeamMembers } from '../../shared/features/teams/routes';
import { listMembers } from '../../shared/features/teams/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listTeamMembers, ({ ctx, params, query }) => listMembers(ctx, params.teamId, query));
