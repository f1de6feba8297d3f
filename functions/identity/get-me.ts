import { httpHandler } from '../../shared/http/handler';
import { getMe } from '../../shared/routes/identity';
import { userView } from '../../shared/services/identity';
import { partnerTeamsOf } from '../../shared/services/team-partners';

export const handler = httpHandler(
  getMe,
  // Teams where the caller is a partner: their own partition, read beside the user record.
  { prefetch: ({ callerId }) => partnerTeamsOf(callerId) },
  async ({ user, prefetched }) => ({
    user: userView(user),
    // The user record carries a copy of the workspace name: no extra read.
    workspace: user.workspaceId ? { workspaceId: user.workspaceId, name: user.workspaceName ?? null, role: user.role } : null,
    partnerTeams: await prefetched,
  }),
);
