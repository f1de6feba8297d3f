import { getMe } from '../../shared/features/identity/routes';
import { readMe } from '../../shared/features/identity/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getMe, ({ ctx }) => readMe(ctx));
