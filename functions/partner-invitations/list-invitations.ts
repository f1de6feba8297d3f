import { httpHandler } from '../../shared/http/handler';
import { listPartnerInvitations } from '../../shared/routes/teams';
import { listInvitations } from '../../shared/services/team-partners';

export const handler = httpHandler(listPartnerInvitations, async ({ user, params, query }) =>
  listInvitations(user, params.workspaceId, query.status, { limit: query.limit, cursor: query.cursor }),
);
