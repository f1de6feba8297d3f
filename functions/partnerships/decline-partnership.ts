import { legacyHttpHandler } from '../../shared/http/handler';
import { declinePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(declinePartnership, async ({ caller, user, params, body, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'decline', body, now),
);
