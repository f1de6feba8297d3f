import type { WorkItemRecord } from '../../shared/domain/teams';
import { notFound } from '../../shared/errors';
import { legacyHttpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/store/keys';
import { updateWorkItem } from '../../shared/routes/teams';
import { teamContext } from '../../shared/services/teams';
import { updateWorkItem as update } from '../../shared/services/work-items';

export const handler = legacyHttpHandler(updateWorkItem, async (request) => {
  const teamId = keys.scopeOf(request.params.workItemId);
  if (!teamId) throw notFound('work item');
  const ctx = teamContext(request, teamId, 'canWriteWorkItems', 'Your permission in this team does not allow editing work items.');
  return update(ctx, request.loaded<WorkItemRecord & { pk: string }>(keys.workItem(request.params.workItemId)), request.body, request.now);
});
