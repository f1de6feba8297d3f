import { listPartnerships } from '../../shared/features/partnerships/routes';
import { listPartnerships as list } from '../../shared/features/partnerships/service';
import { httpHandler } from '../../shared/http/handler';

export const handler = httpHandler(listPartnerships, ({ ctx, params, query }) => list(ctx, params.workspaceId, query));
