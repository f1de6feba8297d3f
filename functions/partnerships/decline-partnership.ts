import { declinePartnership } from '../../shared/features/partnerships/routes';
import { decidePartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(declinePartnership, ({ ctx, params, body }) =>
  decidePartnership(ctx, params.partnershipId, 'decline', body),
);
