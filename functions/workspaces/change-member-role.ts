import { changeWorkspaceMemberRole } from '../../shared/features/workspaces/routes';
import { changeRole } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(changeWorkspaceMemberRole, ({ ctx, params, body }) =>
  changeRole(ctx, params.workspaceId, params.userId, body.role),
);
