import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { changeWorkspaceMemberRole } from '../../shared/routes/identity';
import { changeRole } from '../../shared/services/workspaces';

export const handler = httpHandler(changeWorkspaceMemberRole, async ({ caller, user, params, body, loaded, now }) =>
  changeRole(caller, user, params.workspaceId, loaded(keys.user(params.userId)), body.role, loaded(keys.workspace(params.workspaceId)), now),
);
