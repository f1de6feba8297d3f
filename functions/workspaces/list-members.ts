import { httpHandler } from '../../shared/http/handler';
import { listWorkspaceMembers } from '../../shared/routes/identity';
import { listMembers } from '../../shared/services/workspaces';

export const handler = httpHandler(listWorkspaceMembers, async ({ user, params, query }) =>
  listMembers(user, params.workspaceId, { limit: query.limit, cursor: query.cursor }),
);
