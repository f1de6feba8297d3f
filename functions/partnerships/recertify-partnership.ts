import { recertifyPartnership } from '../../shared/features/partnerships/routes';
import { recertify } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(recertifyPartnership, ({ ctx, params }) => recertify(ctx, params.partnershipId));
