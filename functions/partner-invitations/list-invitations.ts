import { listPartnerInvitations } from '../../shared/features/team-partners/routes';
import { listInvitations } from '../../shared/features/team-partners/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listPartnerInvitations, ({ ctx, params, query }) =>
  listInvitations(ctx, params.workspaceId, query.status, { limit: query.limit, cursor: query.cursor }),
);
