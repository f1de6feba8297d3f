import { getWorkspaceBilling } from '../../shared/features/workspaces/routes';
import { readBilling } from '../../shared/features/workspaces/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getWorkspaceBilling, ({ ctx, params }) => readBilling(ctx, params.workspaceId));
