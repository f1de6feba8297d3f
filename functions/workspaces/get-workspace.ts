import { getWorkspace } from '../../shared/features/workspaces/routes';
import { readWorkspace } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getWorkspace, ({ ctx, params }) => readWorkspace(ctx, params.workspaceId));
