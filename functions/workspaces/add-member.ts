import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { addWorkspaceMember } from '../../shared/routes/identity';
import { addMember } from '../../shared/services/workspaces';

export const handler = httpHandler(addWorkspaceMember, async ({ caller, user, params, body, loaded, now }) =>
  addMember(caller, user, params.workspaceId, { email: body.email, role: body.role ?? 'member' }, loaded(keys.workspace(params.workspaceId)), now),
);
