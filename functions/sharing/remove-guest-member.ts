import { removeGuestMember } from '../../shared/features/sharing/routes';
import { removeGuestMember as remove } from '../../shared/features/sharing/shares';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(removeGuestMember, ({ ctx, params }) => remove(ctx, params.partnershipId, params.userId));
