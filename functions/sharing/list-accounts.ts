import { legacyHttpHandler } from '../../shared/http/handler';
import { listAccounts } from '../../shared/routes/sharing';
import { accountsPage, listAccounts as list } from '../../shared/services/accounts';

export const handler = legacyHttpHandler(
  listAccounts,
  { prefetch: ({ params, query }) => accountsPage(params.workspaceId, query) },
  async ({ user, params, prefetched }) => list(user, params.workspaceId, prefetched),
);
