import { httpHandler } from '../../shared/http/handler';
import { keys } from '../../shared/keys';
import { getPartnership } from '../../shared/routes/partnerships';
import { readPartnership } from '../../shared/services/partnerships';

export const handler = httpHandler(getPartnership, async ({ user, params, loaded }) =>
  readPartnership(user, loaded(keys.partnership(params.partnershipId)), loaded(keys.sharingState(params.partnershipId))),
);
