import { legacyHttpHandler } from '../../shared/http/handler';
import { createAccount } from '../../shared/routes/sharing';
import { createAccount as create } from '../../shared/services/accounts';

export const handler = legacyHttpHandler(createAccount, async (request) => create(request, request.params.workspaceId, request.body));
