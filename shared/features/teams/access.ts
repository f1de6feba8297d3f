/**
 * The one authorization of every team route (teams, members, work items, partners, invitations):
 * read the caller, the team and the caller's own team-member and partner items (one BatchGet with
 * whatever else the use case asks for in the same turn), then ask `resolveTeamAccess`
 * (shared/domain/teams.ts). A team the caller may not see is 404; a right the caller lacks in a team
 * they see is 403.
 */
import type { UseCaseContext } from '../../context';
import { resolveTeamAccess, type TeamAccess } from '../../domain/teams';
import { forbidden, notFound } from '../../errors';
import type { StoredPartner } from '../../store/team-partners';
import type { StoredTeam, StoredTeamMember } from '../../store/teams';
import type { StoredUser } from '../../store/users';

export interface TeamAccessContext {
  me: StoredUser;
  team: StoredTeam;
  /** The caller's own team-member item, if any (it counts only while they are in the team's workspace). */
  member?: StoredTeamMember;
  /** The caller's own partner relation, if any (it counts only while active). */
  partner?: StoredPartner;
  access: TeamAccess;
}

/** The boolean rights of TeamAccess (what a route may require). */
export type TeamRight = { [K in keyof TeamAccess]: TeamAccess[K] extends boolean ? K : never }[keyof TeamAccess];

/** What decides the caller's rights in a team, read together; undefined team: not visible. */
export async function readTeamAccess(ctx: UseCaseContext, teamId: string) {
  const { teams, teamPartners } = ctx.store;
  const callerId = ctx.caller.userId;
  const [me, team, member, partner] = await Promise.all([
    ctx.me(),
    teams.get(teamId),
    teams.member(teamId, callerId),
    teamPartners.partner(teamId, callerId),
  ]);
  return { me, team, member, partner, access: resolveTeamAccess(me, team, member, partner) };
}

/**
 * The caller's rights in a visible team (404 otherwise), and 403 with `message` when `need` is given
 * and the caller lacks it.
 */
export async function teamAccess(ctx: UseCaseContext, teamId: string, need?: TeamRight, message?: string): Promise<TeamAccessContext> {
  const { me, team, member, partner, access } = await readTeamAccess(ctx, teamId);
  if (!team || !access.visible) throw notFound('team');
  if (need && !access[need]) throw forbidden(message ?? 'Your role in this team does not allow this.');
  return { me, team, member, partner, access };
}
