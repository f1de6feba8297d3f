import { putWorkspaceBilling } from '../../shared/features/workspaces/routes';
import { updateBilling } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(putWorkspaceBilling, ({ ctx, params, body }) => updateBilling(ctx, params.workspaceId, body));
