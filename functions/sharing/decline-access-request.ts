import { declineAccessRequest } from '../../shared/features/sharing/routes';
import { decideAccess } from '../../shared/features/sharing/access-requests';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(declineAccessRequest, ({ ctx, params, body }) =>
  decideAccess(ctx, params.accessRequestId, 'decline', body.reason),
);
