import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { removePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(removePartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded(keys.partnership(params.partnershipId)), 'remove', {}, now),
);
