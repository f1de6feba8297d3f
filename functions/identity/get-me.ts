import { httpHandler } from '../../shared/http/handler';
import { getMe } from '../../shared/routes/identity';
import { userView } from '../../shared/services/identity';
import { partnerTeamsOf } from '../../shared/services/team-partners';

export const handler = httpHandler(getMe, async ({ user }) => ({
  user: userView(user),
  // The user record carries a copy of the workspace name: no extra read.
  workspace: user.workspaceId ? { workspaceId: user.workspaceId, name: user.workspaceName ?? null, role: user.role } : null,
  // Teams where the caller is a partner: filled in by the team-partners feature (issue 3).
  partnerTeams: await partnerTeamsOf(user.userId),
}));
