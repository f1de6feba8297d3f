import { httpHandler } from '../../shared/http/handler';
import { listWorkspaceMembers } from '../../shared/routes/identity';
import { listMembers, membersPage } from '../../shared/services/workspaces';

export const handler = httpHandler(
  listWorkspaceMembers,
  { prefetch: ({ params, query }) => membersPage(params.workspaceId, { limit: query.limit, cursor: query.cursor }) },
  async ({ user, params, prefetched }) => listMembers(user, params.workspaceId, prefetched),
);
