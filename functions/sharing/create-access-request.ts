import { legacyHttpHandler } from '../../shared/http/handler';
import { createAccessRequest } from '../../shared/routes/sharing';
import { requestAccess } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(createAccessRequest, async (request) => requestAccess(request, request.params.partnershipId, request.body));
