import { acceptPartnership } from '../../shared/features/partnerships/routes';
import { decidePartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(acceptPartnership, ({ ctx, params, body }) =>
  decidePartnership(ctx, params.partnershipId, 'accept', body),
);
