import { legacyHttpHandler } from '../../shared/http/handler';
import { remindPartnership } from '../../shared/routes/partnerships';
import { remindDeciders } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(remindPartnership, async ({ caller, user, params, loaded, now }) =>
  remindDeciders(caller, user, loaded, params.partnershipId, now),
);
