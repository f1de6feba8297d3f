import { legacyHttpHandler } from '../../shared/http/handler';
import { addPartnershipOwner } from '../../shared/routes/partnerships';
import { addPartnershipOwner as addOwner } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(addPartnershipOwner, async ({ caller, user, params, body, loaded, now }) =>
  addOwner(caller, user, loaded, params.partnershipId, body.userId, now),
);
