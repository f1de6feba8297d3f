import { legacyHttpHandler } from '../../shared/http/handler';
import { declineAccessRequest } from '../../shared/routes/sharing';
import { decideAccess } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(declineAccessRequest, async (request) =>
  decideAccess(request, request.params.accessRequestId, 'decline', request.body.reason),
);
