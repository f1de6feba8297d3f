import { legacyHttpHandler } from '../../shared/http/handler';
import { removeGuestMember } from '../../shared/routes/sharing';
import { removeGuestMember as remove } from '../../shared/services/sharing';

export const handler = legacyHttpHandler(removeGuestMember, async (request) => remove(request, request.params.partnershipId, request.params.userId));
