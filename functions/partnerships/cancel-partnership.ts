import { legacyHttpHandler } from '../../shared/http/handler';
import { cancelPartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(cancelPartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'cancel', {}, now),
);
