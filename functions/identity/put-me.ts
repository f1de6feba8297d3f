import { putMe } from '../../shared/features/identity/routes';
import { registerOrUpdate } from '../../shared/features/identity/service';
import { httpHandler, HttpResult } from '../../shared/http/handler';

export const handler = httpHandler(putMe, async ({ ctx, body }) => {
  const { user, created } = await registerOrUpdate(ctx, body);
  return new HttpResult(created ? 201 : 200, user);
});
