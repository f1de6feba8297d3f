import { httpHandler } from '../../shared/http/handler';
import { createAccessRequest } from '../../shared/routes/sharing';
import { requestAccess } from '../../shared/services/sharing';

export const handler = httpHandler(createAccessRequest, async (request) => requestAccess(request, request.params.partnershipId, request.body));
