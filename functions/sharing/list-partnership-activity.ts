import { listPartnershipActivity } from '../../shared/features/sharing/routes';
import { partnershipActivity } from '../../shared/features/sharing/activity';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listPartnershipActivity, ({ ctx, params, query }) =>
  partnershipActivity(ctx, params.partnershipId, query),
);
