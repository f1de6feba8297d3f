import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { resendPartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(resendPartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded(keys.partnership(params.partnershipId)), 'resend', {}, now),
);
