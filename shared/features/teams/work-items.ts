/**
 * Work items, the team's shared resource (SPEC §3). Members (and workspace Owner/Admins) and partners
 * with edit rights write them; the assignee must be a team member or an active partner with edit
 * rights. The assignee's items are read in the same BatchGet as the caller's access, and the
 * transaction re-checks both the writer (a partner) and the assignee.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { checkAssignee, type WorkItemRecord, type WorkItemStatus } from '../../domain/teams';
import { businessRule, notFound, validationFailed } from '../../errors';
import { optimistic, type PageRequest, type Transaction } from '../../store';
import { appendActivity } from '../../store/activity';
import { newTeamScopedId, teamOfScopedId } from '../../store/teams';
import { teamAccess, type TeamAccessContext } from './access';
import { workspaceScope } from './service';

export const workItemView = (item: WorkItemRecord) => ({
  workItemId: item.workItemId,
  teamId: item.teamId,
  title: item.title,
  status: item.status,
  assigneeId: item.assigneeId ?? null,
  createdBy: item.createdBy,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
});

const assigneeErrors = {
  assignee_view_only: () =>
    businessRule('assignee_view_only', 'This partner can only view the team: give them edit permission to assign work to them.'),
  assignee_not_in_team: () =>
    businessRule('assignee_not_in_team', 'The assignee must be a member of the team or one of its partners with edit permission.'),
};

const WRITE_REFUSED = 'Your permission in this team does not allow editing work items.';

/** What decides whether a user may be assigned work in the team (batched with the caller's access reads). */
function readAssignee(ctx: UseCaseContext, teamId: string, assigneeId: string) {
  const { users, teams, teamPartners } = ctx.store;
  return Promise.all([users.get(assigneeId), teams.member(teamId, assigneeId), teamPartners.partner(teamId, assigneeId)]);
}
type AssigneeReads = Awaited<ReturnType<typeof readAssignee>>;

/**
 * Checks the assignee (422 otherwise) and adds to the transaction the condition that keeps the check
 * true until it commits.
 */
function requireAssignee(
  ctx: UseCaseContext,
  tx: Transaction,
  writer: TeamAccessContext,
  assigneeId: string,
  [user, member, partner]: AssigneeReads,
): void {
  const { team } = writer;
  const verdict = checkAssignee(team, user, member, partner);
  if (verdict !== 'ok') throw assigneeErrors[verdict]();
  // A partner assigning themselves: the writer check on the same partner item already requires an
  // active edit permission, and a transaction may not name one item twice.
  if (writer.access.as === 'partner' && assigneeId === writer.me.userId) return;
  if (member && user?.workspaceId === team.workspaceId) ctx.store.teams.requireMember(tx, team.teamId, assigneeId);
  else ctx.store.teamPartners.requireAssignable(tx, team.teamId, assigneeId);
}

/** A partner's rights are re-checked inside the transaction: a partner removed or downgraded meanwhile cannot write. */
function requireWriter(ctx: UseCaseContext, tx: Transaction, writer: TeamAccessContext): void {
  if (writer.access.as === 'partner') ctx.store.teamPartners.requireActorPermission(tx, writer.team.teamId, writer.me.userId, 'edit');
}

/** POST /teams/{id}/work-items */
export function createWorkItem(ctx: UseCaseContext, teamId: string, input: { title: string; assigneeId?: string }) {
  return optimistic(ctx.store, async () => {
    const [writer, assignee] = await Promise.all([
      teamAccess(ctx, teamId, 'canWriteWorkItems', WRITE_REFUSED),
      input.assigneeId ? readAssignee(ctx, teamId, input.assigneeId) : undefined,
    ]);
    const { me, team } = writer;
    const at = ctx.at;
    const tx = ctx.store.transaction();
    if (input.assigneeId && assignee) requireAssignee(ctx, tx, writer, input.assigneeId, assignee);
    const item = ctx.store.teams.createWorkItem(tx, {
      workItemId: newTeamScopedId(team.teamId, ctx.now),
      teamId: team.teamId,
      title: input.title,
      status: 'todo',
      assigneeId: input.assigneeId ?? null,
      createdBy: me.userId,
      createdAt: at,
      updatedAt: at,
    });
    requireWriter(ctx, tx, writer);
    appendActivity(tx, [workspaceScope(team.workspaceId)], {
      actorId: me.userId,
      action: 'work_item.created',
      target: { type: 'work_item', id: item.workItemId },
      data: { teamId: team.teamId, title: item.title, assigneeId: item.assigneeId },
      at,
    });
    await tx.commit();
    return workItemView(item);
  });
}

/** GET /teams/{id}/work-items: oldest first; the page is read beside the access check, shown once the caller may read. */
export async function listWorkItems(ctx: UseCaseContext, teamId: string, page: PageRequest) {
  const rows = early(ctx.store.teams.workItemsPage(teamId, page));
  await teamAccess(ctx, teamId, 'canRead', 'Join the team to see its work items.');
  const result = await rows;
  return { items: result.items.map(workItemView), nextCursor: result.nextCursor };
}

/** PATCH /work-items/{id}: title, status and/or assignee (null unassigns). */
export function updateWorkItem(
  ctx: UseCaseContext,
  workItemId: string,
  input: { title?: string; status?: WorkItemStatus; assigneeId?: string | null },
) {
  const teamId = teamOfScopedId(workItemId);
  return optimistic(ctx.store, async () => {
    if (!teamId) {
      await ctx.me();
      throw notFound('work item');
    }
    // The caller's access, the work item and (when one is given) the assignee's items in one read.
    const [writer, current, assignee] = await Promise.all([
      teamAccess(ctx, teamId, 'canWriteWorkItems', WRITE_REFUSED),
      ctx.store.teams.workItem(workItemId),
      input.assigneeId ? readAssignee(ctx, teamId, input.assigneeId) : undefined,
    ]);
    if (!current) throw notFound('work item');
    if (input.title === undefined && input.status === undefined && input.assigneeId === undefined) {
      throw validationFailed([{ field: 'body', issue: 'give title, status and/or assigneeId' }]);
    }
    const at = ctx.at;
    const tx = ctx.store.transaction();
    if (input.assigneeId && input.assigneeId !== current.assigneeId && assignee)
      requireAssignee(ctx, tx, writer, input.assigneeId, assignee);
    const next: WorkItemRecord = {
      ...workItemView(current),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.assigneeId !== undefined ? { assigneeId: input.assigneeId } : {}),
      updatedAt: at,
    };
    const changes: Record<string, unknown> = {};
    for (const field of ['title', 'status', 'assigneeId'] as const)
      if (input[field] !== undefined && input[field] !== current[field]) changes[field] = input[field];
    ctx.store.teams.updateWorkItem(tx, current, next);
    requireWriter(ctx, tx, writer);
    appendActivity(tx, [workspaceScope(writer.team.workspaceId)], {
      actorId: writer.me.userId,
      action: 'work_item.updated',
      target: { type: 'work_item', id: current.workItemId },
      data: { teamId: writer.team.teamId, changes },
      at,
    });
    await tx.commit();
    return workItemView(next);
  });
}
