import { legacyHttpHandler } from '../../shared/http/handler';
import { shareAccount } from '../../shared/routes/sharing';
import { shareAccount as share } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(shareAccount, async (request) => share(request, request.params.partnershipId, request.body));
