import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { putWorkspaceBilling } from '../../shared/routes/identity';
import { updateBilling } from '../../shared/services/workspaces';

export const handler = httpHandler(putWorkspaceBilling, async ({ caller, user, params, body, loaded, now }) =>
  updateBilling(caller, user, params.workspaceId, body, loaded(keys.workspace(params.workspaceId)), now),
);
