import { legacyHttpHandler } from '../../shared/http/handler';
import { listPartnerships } from '../../shared/routes/partnerships';
import { listPartnerships as list } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(listPartnerships, async ({ user, params, query }) => list(user, params.workspaceId, query));
