import { listAccessRequests } from '../../shared/features/sharing/routes';
import { listAccessRequests as list } from '../../shared/features/sharing/access-requests';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listAccessRequests, ({ ctx, params, query }) => list(ctx, params.partnershipId, query));
