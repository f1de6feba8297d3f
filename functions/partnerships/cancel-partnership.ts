import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { cancelPartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(cancelPartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded(keys.partnership(params.partnershipId)), 'cancel', {}, now),
);
