import { createLogin } from '../../shared/features/sharing/routes';
import { createLogin as login } from '../../shared/features/sharing/accounts';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createLogin, ({ ctx, params }) => login(ctx, params.accountId));
