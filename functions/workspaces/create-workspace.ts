import { createWorkspace } from '../../shared/features/workspaces/routes';
import { createWorkspace as create } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createWorkspace, ({ ctx, body }) => create(ctx, body));
