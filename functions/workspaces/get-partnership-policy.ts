import { getPartnershipPolicy } from '../../shared/features/workspaces/routes';
import { readPolicy } from '../../shared/features/workspaces/policy';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(getPartnershipPolicy, ({ ctx, params }) => readPolicy(ctx, params.workspaceId));
