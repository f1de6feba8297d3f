import { listWorkspaceMembers } from '../../shared/features/workspaces/routes';
import { listMembers } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listWorkspaceMembers, ({ ctx, params, query }) => listMembers(ctx, params.workspaceId, query));
