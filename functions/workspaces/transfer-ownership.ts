import { transferWorkspaceOwnership } from '../../shared/features/workspaces/routes';
import { transferOwnership } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(transferWorkspaceOwnership, ({ ctx, params, body }) =>
  transferOwnership(ctx, params.workspaceId, body.userId),
);
