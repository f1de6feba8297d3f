import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { getWorkspace } from '../../shared/routes/identity';
import { readWorkspace } from '../../shared/services/workspaces';

export const handler = httpHandler(getWorkspace, async ({ user, params, loaded }) =>
  readWorkspace(user, params.workspaceId, loaded(keys.workspace(params.workspaceId))),
);
