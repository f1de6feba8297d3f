import { httpHandler } from '../../shared/http/handler';
import { getMe } from '../../shared/routes/identity';
import { userView } from '../../shared/services/identity';

export const handler = httpHandler(getMe, async ({ user }) => ({
  user: userView(user),
  workspace: user.workspaceId ? { workspaceId: user.workspaceId, role: user.role } : null,
  // Teams where the caller is a partner: filled in by the team-partners feature (issue 3).
  partnerTeams: [],
}));
