import { legacyHttpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/store/keys';
import { createPartnership } from '../../shared/routes/partnerships';
import { requestPartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(createPartnership, async ({ caller, user, params, body, loaded, now }) =>
  requestPartnership(caller, user, params.workspaceId, loaded(keys.workspace(params.workspaceId)), body, now),
);
