import { legacyHttpHandler } from '../../shared/http/handler';
import { removePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(removePartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'remove', {}, now),
);
