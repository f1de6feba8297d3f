import { putPartnershipPolicy } from '../../shared/features/workspaces/routes';
import { replacePolicy } from '../../shared/features/workspaces/policy';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(putPartnershipPolicy, ({ ctx, params, body }) => replacePolicy(ctx, params.workspaceId, body));
