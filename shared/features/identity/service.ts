/** Registration and the caller's own profile (SPEC §2). */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import type { UserRecord } from '../../domain/identity';
import { conflict } from '../../errors';
import { optimistic } from '../../store';
import { appendActivity } from '../../store/activity';
import { normalizeEmail } from '../../store/keys';
import { isDirectoryRole, USER_CONDITIONS } from '../../store/users';

export const userView = (user: UserRecord) => ({
  userId: user.userId,
  email: user.email,
  name: user.name,
  workspaceId: user.workspaceId ?? null,
  role: user.role ?? null,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

const emailTaken = () => conflict('email_taken', 'Another user is registered with this e-mail.');

/** PUT /me: creates the user from the token's sub and email, or updates the name (and e-mail). */
export function registerOrUpdate(
  ctx: UseCaseContext,
  input: { name: string },
): Promise<{ user: ReturnType<typeof userView>; created: boolean }> {
  const { users } = ctx.store;
  const email = normalizeEmail(ctx.caller.email);
  return optimistic(ctx.store, async () => {
    const existing = await ctx.meIfRegistered();
    const at = ctx.at;
    const tx = ctx.store.transaction();
    if (!existing) {
      const user: UserRecord = { userId: ctx.caller.userId, email, name: input.name, createdAt: at, updatedAt: at };
      users.register(tx, user);
      await tx.commit({ [USER_CONDITIONS.emailFree]: emailTaken });
      return { user: userView(user), created: true };
    }
    users.updateProfile(tx, existing, { name: input.name, email, at });
    // An Owner/Admin's entry in the admin directory follows the e-mail (the update above is conditioned
    // on the version read, so the role it is based on still holds at commit).
    if (email !== existing.email && existing.workspaceId && isDirectoryRole(existing.role)) {
      users.updateWorkspace(tx, existing.workspaceId, { directory: [{ userId: existing.userId, email }] });
    }
    if (existing.workspaceId) {
      appendActivity(tx, [{ kind: 'workspace', id: existing.workspaceId }], {
        actorId: existing.userId,
        action: 'user.updated',
        target: { type: 'user', id: existing.userId },
        at,
      });
    }
    await tx.commit({ [USER_CONDITIONS.emailFree]: emailTaken });
    return { user: userView({ ...existing, name: input.name, email, updatedAt: at }), created: false };
  });
}

/** GET /me: the caller, their workspace (the user record carries its name) and the teams where they are a partner. */
export async function readMe(ctx: UseCaseContext) {
  const partnerTeams = early(ctx.store.teamPartners.partnerTeamsOf(ctx.caller.userId));
  const me = await ctx.me();
  return {
    user: userView(me),
    workspace: me.workspaceId ? { workspaceId: me.workspaceId, name: me.workspaceName ?? null, role: me.role } : null,
    partnerTeams: await partnerTeams,
  };
}
