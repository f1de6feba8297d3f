import { legacyHttpHandler } from '../../shared/http/handler';
import { revokeShare } from '../../shared/routes/sharing';
import { revokeShare as revoke } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(revokeShare, async (request) => revoke(request, request.params.partnershipId, request.params.accountId));
