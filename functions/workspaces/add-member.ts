import { addWorkspaceMember } from '../../shared/features/workspaces/routes';
import { addMember } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(addWorkspaceMember, ({ ctx, params, body }) =>
  addMember(ctx, params.workspaceId, { email: body.email, role: body.role ?? 'member' }),
);
