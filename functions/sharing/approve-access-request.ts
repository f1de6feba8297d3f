import { approveAccessRequest } from '../../shared/features/sharing/routes';
import { decideAccess } from '../../shared/features/sharing/access-requests';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(approveAccessRequest, ({ ctx, params }) =>
  decideAccess(ctx, params.accessRequestId, 'approve', undefined),
);
