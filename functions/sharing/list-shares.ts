import { legacyHttpHandler } from '../../shared/http/handler';
import { listShares } from '../../shared/routes/sharing';
import { listShares as list, sharesPage } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(
  listShares,
  { prefetch: ({ params, query }) => sharesPage(params.partnershipId, query) },
  async (request) => list(request, request.params.partnershipId, request.prefetched),
);
