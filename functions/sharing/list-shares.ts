import { listShares } from '../../shared/features/sharing/routes';
import { listShares as list } from '../../shared/features/sharing/shares';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listShares, ({ ctx, params, query }) => list(ctx, params.partnershipId, query));
