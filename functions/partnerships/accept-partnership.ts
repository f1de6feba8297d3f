import { legacyHttpHandler } from '../../shared/http/handler';
import { acceptPartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(acceptPartnership, async ({ caller, user, params, body, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'accept', body, now),
);
