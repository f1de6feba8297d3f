import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { approvePartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(approvePartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded(keys.partnership(params.partnershipId)), 'approve', {}, now),
);
