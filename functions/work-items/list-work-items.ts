import { legacyHttpHandler } from '../../shared/http/handler';
import { listWorkItems } from '../../shared/routes/teams';
import { teamContext } from '../../shared/services/teams';
import { listWorkItems as list, workItemsPage } from '../../shared/services/work-items';

export const handler = legacyHttpHandler(
  listWorkItems,
  { prefetch: ({ params, query }) => workItemsPage(params.teamId, query) },
  async (request) => list(teamContext(request, request.params.teamId, 'canRead', 'Join the team to see its work items.'), request.prefetched),
);
