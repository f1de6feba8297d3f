import { resendPartnership } from '../../shared/features/partnerships/routes';
import { decidePartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(resendPartnership, ({ ctx, params }) => decidePartnership(ctx, params.partnershipId, 'resend'));
