import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { addPartnershipOwner } from '../../shared/routes/partnerships';
import { addPartnershipOwner as addOwner } from '../../shared/services/partnerships';

export const handler = httpHandler(addPartnershipOwner, async ({ caller, user, params, body, loaded, now }) =>
  addOwner(caller, user, loaded(keys.partnership(params.partnershipId)), body.userId, now),
);
