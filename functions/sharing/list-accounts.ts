import { listAccounts } from '../../shared/features/sharing/routes';
import { listAccounts as list } from '../../shared/features/sharing/accounts';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listAccounts, ({ ctx, params, query }) => list(ctx, params.workspaceId, query));
