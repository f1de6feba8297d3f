import { createAccessRequest } from '../../shared/features/sharing/routes';
import { requestAccess } from '../../shared/features/sharing/access-requests';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(createAccessRequest, ({ ctx, params, body }) => requestAccess(ctx, params.partnershipId, body));
