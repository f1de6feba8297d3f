/** Work items, the team's shared resource (SPEC §3). */
import { activityItems } from '../data/activity';
import { batchGet, keyId, putNew, queryPage, sortKeyPrefixCondition, tableName, transact, type Page, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import { checkAssignee, type WorkItemRecord, type WorkItemStatus } from '../domain/teams';
import { businessRule, conflict, notFound, validationFailed } from '../errors';
import { newId } from '../ids';
import { ENTITY, keys } from '../store/keys';
import { workspaceScope, type PartnerItem, type TeamContext, type TeamMemberItem } from './teams';

type WorkItemItem = WorkItemRecord & { pk: string; sk: string };

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

/**
 * Checks the assignee (one BatchGet: user, team-member item, partner item) and returns the
 * ConditionCheck that keeps the check true until the write commits.
 */
async function assigneeCondition(ctx: TeamContext, assigneeId: string): Promise<TransactItem | undefined> {
  const teamId = ctx.team.teamId;
  const found = await batchGet([keys.user(assigneeId), keys.teamMember(teamId, assigneeId), keys.teamPartner(teamId, assigneeId)]);
  const user = found.get(keyId(keys.user(assigneeId))) as UserRecord | undefined;
  const member = found.get(keyId(keys.teamMember(teamId, assigneeId))) as TeamMemberItem | undefined;
  const partner = found.get(keyId(keys.teamPartner(teamId, assigneeId))) as PartnerItem | undefined;
  const verdict = checkAssignee(ctx.team, user, member, partner);
  if (verdict !== 'ok') throw assigneeErrors[verdict]();
  // A partner assigning themselves: the writer check on the same partner item already requires an
  // active edit permission, and a transaction may not name one item twice.
  if (ctx.access.as === 'partner' && assigneeId === ctx.user.userId) return undefined;
  if (member && user?.workspaceId === ctx.team.workspaceId) {
    return {
      ConditionCheck: { TableName: tableName(), Key: keys.teamMember(teamId, assigneeId), ConditionExpression: 'attribute_exists(pk)' },
    };
  }
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.teamPartner(teamId, assigneeId),
      ConditionExpression: '#status = :active AND #perm IN (:edit, :invite)',
      ExpressionAttributeNames: { '#status': 'status', '#perm': 'permission' },
      ExpressionAttributeValues: { ':active': 'active', ':edit': 'edit', ':invite': 'edit_and_invite' },
    },
  };
}

/** POST /teams/{id}/work-items */
export async function createWorkItem(ctx: TeamContext, input: { title: string; assigneeId?: string }, now: Date) {
  const at = now.toISOString();
  const check = input.assigneeId ? await assigneeCondition(ctx, input.assigneeId) : undefined;
  const workItemId = keys.scopedId(ctx.team.teamId, newId(now.getTime()));
  const item: WorkItemRecord = {
    workItemId,
    teamId: ctx.team.teamId,
    title: input.title,
    status: 'todo',
    assigneeId: input.assigneeId ?? null,
    createdBy: ctx.user.userId,
    createdAt: at,
    updatedAt: at,
  };
  await transact(
    [
      putNew({ ...keys.workItem(workItemId), type: ENTITY.workItem, ...item }),
      ...writerConditions(ctx),
      ...(check ? [check] : []),
      ...activityItems([workspaceScope(ctx.team.workspaceId)], {
        actorId: ctx.user.userId,
        action: 'work_item.created',
        target: { type: 'work_item', id: workItemId },
        data: { teamId: ctx.team.teamId, title: item.title, assigneeId: item.assigneeId },
        at,
      }),
    ],
    (index) => conditionError(ctx, index, check !== undefined),
  );
  return workItemView(item);
}

/**
 * A partner's rights are re-checked inside the transaction: a partner removed or downgraded while
 * the request ran cannot write.
 */
function writerConditions(ctx: TeamContext): TransactItem[] {
  if (ctx.access.as !== 'partner') return [];
  return [
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.teamPartner(ctx.team.teamId, ctx.user.userId),
        ConditionExpression: '#status = :active AND #perm IN (:edit, :invite)',
        ExpressionAttributeNames: { '#status': 'status', '#perm': 'permission' },
        ExpressionAttributeValues: { ':active': 'active', ':edit': 'edit', ':invite': 'edit_and_invite' },
      },
    },
  ];
}

function conditionError(ctx: TeamContext, index: number, hasAssigneeCheck: boolean) {
  const writerChecks = ctx.access.as === 'partner' ? 1 : 0;
  if (index >= 1 && index <= writerChecks) return notFound('team');
  if (hasAssigneeCheck && index === 1 + writerChecks) return assigneeErrors.assignee_not_in_team();
  return conflict('concurrent_update', 'The work item changed concurrently; retry.');
}

/**
 * The Query of GET /teams/{id}/work-items. The path alone determines it, so the handler starts it
 * beside the caller's BatchGet (prefetch) and `listWorkItems` uses it once the caller may read.
 */
export function workItemsPage(teamId: string, page: { limit: number; cursor?: string }): Promise<Page<WorkItemItem>> {
  const pk = keys.teamPartition(teamId);
  return queryPage<WorkItemItem>(sortKeyPrefixCondition(pk, keys.workItemPrefix), { ...page, scope: `${pk}#work-items` });
}

/** GET /teams/{id}/work-items: takes the TeamContext as proof that the caller may read (teamContext threw otherwise). */
export async function listWorkItems(_authorized: TeamContext, rows: Promise<Page<WorkItemItem>>) {
  const result = await rows;
  return { items: result.items.map(workItemView), nextCursor: result.nextCursor };
}

/** PATCH /work-items/{id} */
export async function updateWorkItem(
  ctx: TeamContext,
  current: WorkItemRecord | undefined,
  input: { title?: string; status?: WorkItemStatus; assigneeId?: string | null },
  now: Date,
) {
  if (!current) throw notFound('work item');
  if (input.title === undefined && input.status === undefined && input.assigneeId === undefined) {
    throw validationFailed([{ field: 'body', issue: 'give title, status and/or assigneeId' }]);
  }
  const at = now.toISOString();
  const check =
    input.assigneeId && input.assigneeId !== current.assigneeId ? await assigneeCondition(ctx, input.assigneeId) : undefined;
  const next: WorkItemRecord = {
    ...workItemView(current),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.assigneeId !== undefined ? { assigneeId: input.assigneeId } : {}),
    updatedAt: at,
  };
  const changes: Record<string, unknown> = {};
  for (const field of ['title', 'status', 'assigneeId'] as const) if (input[field] !== undefined && input[field] !== current[field]) changes[field] = input[field];
  await transact(
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.workItem(current.workItemId),
          UpdateExpression: 'SET title = :title, #status = :status, assigneeId = :assignee, updatedAt = :at',
          ConditionExpression: 'updatedAt = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':title': next.title,
            ':status': next.status,
            ':assignee': next.assigneeId,
            ':at': at,
            ':seen': current.updatedAt,
          },
        },
      },
      ...writerConditions(ctx),
      ...(check ? [check] : []),
      ...activityItems([workspaceScope(ctx.team.workspaceId)], {
        actorId: ctx.user.userId,
        action: 'work_item.updated',
        target: { type: 'work_item', id: current.workItemId },
        data: { teamId: ctx.team.teamId, changes },
        at,
      }),
    ],
    (index) => conditionError(ctx, index, check !== undefined),
  );
  return workItemView(next);
}
