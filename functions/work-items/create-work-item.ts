import { legacyHttpHandler } from '../../shared/http/handler';
import { createWorkItem } from '../../shared/routes/teams';
import { teamContext } from '../../shared/services/teams';
import { createWorkItem as create } from '../../shared/services/work-items';

export const handler = legacyHttpHandler(createWorkItem, async (request) =>
  create(teamContext(request, request.params.teamId, 'canWriteWorkItems', 'Your permission in this team does not allow editing work items.'), request.body, request.now),
);
