import { legacyHttpHandler } from '../../shared/http/handler';
import { approveAccessRequest } from '../../shared/routes/sharing';
import { decideAccess } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(approveAccessRequest, async (request) =>
  decideAccess(request, request.params.accessRequestId, 'approve', undefined),
);
