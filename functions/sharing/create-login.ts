import { legacyHttpHandler } from '../../shared/http/handler';
import { createLogin } from '../../shared/routes/sharing';
import { createLogin as login } from '../../shared/services/accounts';

export const handler = legacyHttpHandler(createLogin, async (request) => login(request, request.params.accountId));
