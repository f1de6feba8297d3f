import { httpHandler } from '../../shared/http/handler';
import { createWorkspace } from '../../shared/routes/identity';
import { createWorkspace as create } from '../../shared/services/workspaces';

export const handler = httpHandler(createWorkspace, async ({ caller, user, body, now }) => create(caller, user, body.name, now));
