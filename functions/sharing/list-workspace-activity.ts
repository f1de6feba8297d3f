import { legacyHttpHandler } from '../../shared/http/handler';
import { listWorkspaceActivity } from '../../shared/routes/sharing';
import { activityPage, workspaceActivity } from '../../shared/services/accounts';

export const handler = legacyHttpHandler(
  listWorkspaceActivity,
  { prefetch: ({ params, query }) => activityPage('workspace', params.workspaceId, query) },
  async ({ user, params, prefetched }) => workspaceActivity(user, params.workspaceId, prefetched),
);
