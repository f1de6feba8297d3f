import { legacyHttpHandler } from '../../shared/http/handler';
import { resendPartnership } from '../../shared/routes/partnerships';
import { decidePartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(resendPartnership, async ({ caller, user, params, loaded, now }) =>
  decidePartnership(caller, user, loaded, params.partnershipId, 'resend', {}, now),
);
