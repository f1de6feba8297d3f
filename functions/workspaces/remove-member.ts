import { removeWorkspaceMember } from '../../shared/features/workspaces/routes';
import { removeMember } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(removeWorkspaceMember, ({ ctx, params }) => removeMember(ctx, params.workspaceId, params.userId));
