import { revokeShare } from '../../shared/features/sharing/routes';
import { revokeShare as revoke } from '../../shared/features/sharing/shares';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(revokeShare, ({ ctx, params }) => revoke(ctx, params.partnershipId, params.accountId));
