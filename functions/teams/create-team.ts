import { legacyHttpHandler } from '../../shared/http/handler';
import { createTeam } from '../../shared/routes/teams';
import { createTeam as create } from '../../shared/services/teams';

export const handler = legacyHttpHandler(createTeam, async ({ user, params, body, now }) => create(user, params.workspaceId, body, now));
