import { getPartnership } from '../../shared/features/partnerships/routes';
import { readPartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getPartnership, ({ ctx, params }) => readPartnership(ctx, params.partnershipId));
