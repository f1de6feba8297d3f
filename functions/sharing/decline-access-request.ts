import { httpHandler } from '../../shared/http/handler';
import { declineAccessRequest } from '../../shared/routes/sharing';
import { decideAccess } from '../../shared/services/sharing';

export const handler = httpHandler(declineAccessRequest, async (request) =>
  decideAccess(request, request.params.accessRequestId, 'decline', request.body.reason),
);
