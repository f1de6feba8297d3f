import { httpHandler, HttpResult } from '../../shared/http/handler';
import { putMe } from '../../shared/routes/identity';
import { registerOrUpdate } from '../../shared/services/identity';

export const handler = httpHandler(putMe, async ({ caller, body, now }) => {
  const { user, created } = await registerOrUpdate(caller, body.name, now);
  return new HttpResult(created ? 201 : 200, user);
});
