import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { getWorkspaceBilling } from '../../shared/routes/identity';
import { readBilling } from '../../shared/services/workspaces';

export const handler = httpHandler(getWorkspaceBilling, async ({ user, params, loaded }) =>
  readBilling(user, params.workspaceId, loaded(keys.workspace(params.workspaceId))),
);
