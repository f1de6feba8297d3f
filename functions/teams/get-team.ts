import { legacyHttpHandler } from '../../shared/http/handler';
import { getTeam } from '../../shared/routes/teams';
import { accessView, teamContext, teamView } from '../../shared/services/teams';

export const handler = legacyHttpHandler(getTeam, async (request) => {
  const ctx = teamContext(request, request.params.teamId);
  return { ...teamView(ctx.team), access: accessView(ctx.access) };
});
