import { shareAccount } from '../../shared/features/sharing/routes';
import { shareAccount as share } from '../../shared/features/sharing/shares';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(shareAccount, ({ ctx, params, body }) => share(ctx, params.partnershipId, body));
