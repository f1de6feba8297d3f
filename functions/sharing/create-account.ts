import { createAccount } from '../../shared/features/sharing/routes';
import { createAccount as create } from '../../shared/features/sharing/accounts';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createAccount, ({ ctx, params, body }) => create(ctx, params.workspaceId, body));
