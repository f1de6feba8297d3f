import { legacyHttpHandler } from '../../shared/http/handler';
import { listPartnerInvitations } from '../../shared/routes/teams';
import { invitationsPage, listInvitations } from '../../shared/services/team-partners';

export const handler = legacyHttpHandler(
  listPartnerInvitations,
  { prefetch: ({ params, query }) => invitationsPage(params.workspaceId, query.status, { limit: query.limit, cursor: query.cursor }) },
  async ({ user, params, prefetched }) => listInvitations(user, params.workspaceId, prefetched),
);
