import { remindPartnership } from '../../shared/features/partnerships/routes';
import { remindDeciders } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(remindPartnership, ({ ctx, params }) => remindDeciders(ctx, params.partnershipId));
