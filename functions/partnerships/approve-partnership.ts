import { approvePartnership } from '../../shared/features/partnerships/routes';
import { decidePartnership } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(approvePartnership, ({ ctx, params }) => decidePartnership(ctx, params.partnershipId, 'approve'));
