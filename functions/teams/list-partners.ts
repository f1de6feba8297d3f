import { listTeamPartners } from '../../shared/features/team-partners/routes';
import { listPartners } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listTeamPartners, ({ ctx, params, query }) => listPartners(ctx, params.teamId, query));
