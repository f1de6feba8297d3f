import { legacyHttpHandler } from '../../shared/http/handler';
import { getPartnership } from '../../shared/routes/partnerships';
import { readPartnership } from '../../shared/services/partnerships';

export const handler = legacyHttpHandler(getPartnership, async ({ user, params, loaded }) =>
  readPartnership(user, loaded, params.partnershipId),
);
