/**
 * The workspace's admin directory: an `admins` map (userId -> e-mail) of its Owner and Admins, kept on
 * the workspace item (keys.workspace). It is what every "notify the deciders" step reads (pending
 * partner invitations, partnership requests and decisions, reminders), so that costs one GetItem of
 * the workspace, or nothing when the route already loaded it, whatever the number of members.
 *
 * The map is written in the same transaction as every change that makes or unmakes an Owner/Admin or
 * changes one's e-mail (create workspace, add member, role change, ownership transfer, removal,
 * PUT /me); the user record stays the source of truth, and each of those transactions conditions the
 * user record on what the map entry was derived from (role, e-mail), so the two cannot drift apart.
 *
 * Workspaces written before the map existed have none: they are read with the member-index Query
 * (the old way, cost proportional to the members), and the writers leave them without a map. A map
 * is only ever created with its workspace, so "no map" never turns into a half-filled one.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, getItem, tableName, type Item, type TransactItem } from '../data/dynamo';
import type { WorkspaceRole } from '../domain/identity';
import { keys } from '../keys';
import { TABLE } from '../table';

export const ADMINS_ATTRIBUTE = 'admins';

export type AdminDirectory = Record<string, string>;

/** Owner and Admins decide (partner invitations, partnership stages) and so are in the directory. */
export const isDirectoryRole = (role: WorkspaceRole | undefined) => role === 'owner' || role === 'admin';

/** The map of a loaded workspace item; undefined for a workspace written before the map existed. */
export function adminDirectoryOf(workspaceItem: Item | undefined): AdminDirectory | undefined {
  const map = workspaceItem?.[ADMINS_ATTRIBUTE];
  return map && typeof map === 'object' && !Array.isArray(map) ? (map as AdminDirectory) : undefined;
}

/**
 * E-mails of the workspace's Owner and Admins. Pass the workspace item when the route already loaded
 * it (then no read at all); otherwise one GetItem. A workspace without the map: the member Query.
 */
export async function workspaceAdminEmails(workspaceId: string, workspaceItem?: Item): Promise<string[]> {
  const item = workspaceItem ?? (await getItem(keys.workspace(workspaceId)));
  if (!item) return [];
  const directory = adminDirectoryOf(item);
  if (directory) return [...new Set(Object.values(directory))].sort();
  return adminEmailsFromMembers(workspaceId);
}

/** Fallback for workspaces without the map: the member index filtered on role (pages of 1 MB). */
async function adminEmailsFromMembers(workspaceId: string): Promise<string[]> {
  const emails: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: TABLE.indexes.byOwner.name,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#role IN (:owner, :admin) AND workspaceId = :ws',
        ProjectionExpression: 'email',
        ExpressionAttributeNames: { '#pk': TABLE.indexes.byOwner.partitionKey, '#role': 'role' },
        ExpressionAttributeValues: { ':pk': keys.workspaceMembersPartition(workspaceId), ':owner': 'owner', ':admin': 'admin', ':ws': workspaceId },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) if (typeof item.email === 'string') emails.push(item.email);
    start = out.LastEvaluatedKey;
  } while (start);
  return emails.sort();
}

// ---- writing ------------------------------------------------------------------------------------

/** One entry to set (e-mail) or remove (null). */
export type DirectoryChange = { userId: string; email: string | null };

/** Update-expression parts for directory changes, to merge into an Update of the workspace item. */
export function directoryUpdateParts(changes: DirectoryChange[]) {
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = { '#admins': ADMINS_ATTRIBUTE };
  const values: Record<string, unknown> = {};
  changes.forEach((change, i) => {
    names[`#admin${i}`] = change.userId;
    if (change.email === null) remove.push(`#admins.#admin${i}`);
    else {
      set.push(`#admins.#admin${i} = :admin${i}`);
      values[`:admin${i}`] = change.email;
    }
  });
  return { set, remove, names, values };
}

/**
 * The Update of the workspace item that applies `changes` to its map, or nothing when there is
 * nothing to change or the workspace has no map (written before it existed: read by Query).
 */
export function directoryUpdate(workspaceId: string, workspaceItem: Item | undefined, changes: DirectoryChange[]): TransactItem[] {
  if (changes.length === 0 || !adminDirectoryOf(workspaceItem)) return [];
  const parts = directoryUpdateParts(changes);
  const clauses = [parts.set.length ? `SET ${parts.set.join(', ')}` : '', parts.remove.length ? `REMOVE ${parts.remove.join(', ')}` : ''];
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.workspace(workspaceId),
        UpdateExpression: clauses.filter(Boolean).join(' '),
        ConditionExpression: 'attribute_exists(#admins)',
        ExpressionAttributeNames: parts.names,
        ...(Object.keys(parts.values).length ? { ExpressionAttributeValues: parts.values } : {}),
      },
    },
  ];
}

/** The directory change of a role change: in or out of the map, or none. */
export function roleChangeEntry(user: { userId: string; email: string }, from: WorkspaceRole | undefined, to: WorkspaceRole | undefined): DirectoryChange[] {
  const was = isDirectoryRole(from);
  const is = isDirectoryRole(to);
  if (was === is) return [];
  return [{ userId: user.userId, email: is ? user.email : null }];
}
