import { listWorkspaceActivity } from '../../shared/features/sharing/routes';
import { workspaceActivity } from '../../shared/features/sharing/activity';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listWorkspaceActivity, ({ ctx, params, query }) => workspaceActivity(ctx, params.workspaceId, query));
