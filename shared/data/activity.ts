/**
 * The activity log: every state change and every access to a shared account appends an entry, in
 * the same transaction as the change. An entry may belong to several scopes (a workspace, a
 * partnership); it is written once per scope so each log is a plain Query, newest first.
 */
import { newId } from '../ids';
import { ENTITY, keys, type ActivityScope } from '../store/keys';
import { put, queryPage, type TransactItem } from './dynamo';

export interface ActivityInput {
  actorId: string;
  /** Dotted verb, e.g. "workspace.member_added", "partnership.approved", "account.login". */
  action: string;
  target: { type: string; id: string };
  data?: Record<string, unknown>;
  at: string;
}

export interface ActivityEntry extends ActivityInput {
  id: string;
}

export function activityItems(scopes: ActivityScope[], entry: ActivityInput): TransactItem[] {
  const id = newId(Date.parse(entry.at));
  return scopes.map((scope) =>
    put({
      ...keys.activity(scope, entry.at, id),
      type: ENTITY.activity,
      id,
      scope: `${scope.kind}:${scope.id}`,
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target,
      data: entry.data ?? {},
      at: entry.at,
    }),
  );
}

export async function listActivity(scope: ActivityScope, page: { limit: number; cursor?: string }) {
  const pk = keys.activityPartition(scope);
  const result = await queryPage(
    { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false },
    { ...page, scope: pk },
  );
  return {
    items: result.items.map(({ id, actorId, action, target, data, at }) => ({ id, actorId, action, target, data, at })) as ActivityEntry[],
    nextCursor: result.nextCursor,
  };
}
