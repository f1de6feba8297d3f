import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { removeWorkspaceMember } from '../../shared/routes/identity';
import { removeMember } from '../../shared/services/workspaces';

export const handler = httpHandler(removeWorkspaceMember, async ({ caller, user, params, loaded, now }) => {
  await removeMember(caller, user, params.workspaceId, loaded(keys.user(params.userId)), loaded(keys.workspace(params.workspaceId)), now);
});
