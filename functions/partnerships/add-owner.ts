import { addPartnershipOwner } from '../../shared/features/partnerships/routes';
import { addPartnershipOwner as addOwner } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(addPartnershipOwner, ({ ctx, params, body }) => addOwner(ctx, params.partnershipId, body.userId));
