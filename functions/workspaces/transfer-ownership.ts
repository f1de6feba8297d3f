import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { transferWorkspaceOwnership } from '../../shared/routes/identity';
import { transferOwnership } from '../../shared/services/workspaces';

export const handler = httpHandler(transferWorkspaceOwnership, async ({ caller, user, params, body, loaded, now }) =>
  transferOwnership(caller, user, params.workspaceId, body.userId, loaded(keys.workspace(params.workspaceId)), now),
);
