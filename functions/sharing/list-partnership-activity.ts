import { legacyHttpHandler } from '../../shared/http/handler';
import { listPartnershipActivity } from '../../shared/routes/sharing';
import { activityPage, partnershipActivity } from '../../shared/services/accounts';

export const handler = legacyHttpHandler(
  listPartnershipActivity,
  { prefetch: ({ params, query }) => activityPage('partnership', params.partnershipId, query) },
  async (request) => partnershipActivity(request, request.params.partnershipId, request.prefetched),
);
