import { legacyHttpHandler } from '../../shared/http/handler';
import { listAccessRequests } from '../../shared/routes/sharing';
import { accessRequestsPage, listAccessRequests as list } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(
  listAccessRequests,
  { prefetch: ({ params, query }) => accessRequestsPage(params.partnershipId, query) },
  async (request) => list(request, request.params.partnershipId, request.prefetched),
);
