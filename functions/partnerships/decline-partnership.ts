import { httpHandler } from '../../shared/http/handler';
import { declinePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(declinePartnership, async ({ caller, user, params, body, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'decline', body, now),
);
