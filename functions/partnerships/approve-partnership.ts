import { legacyHttpHandler } from '../../shared/http/handler';
import { approvePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(approvePartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'approve', {}, now),
);
