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
 * Every workspace is created with its map, so a workspace item without one is a data error (there is
 * no deployed data from before the map; a migration would be a one-off backfill, not a read path).
 */
import { getItem, tableName, type Item, type TransactItem } from '../data/dynamo';
import type { WorkspaceRole } from '../domain/identity';
import { keys } from '../store/keys';

export const ADMINS_ATTRIBUTE = 'admins';

export type AdminDirectory = Record<string, string>;

/** Owner and Admins decide (partner invitations, partnership stages) and so are in the directory. */
export const isDirectoryRole = (role: WorkspaceRole | undefined) => role === 'owner' || role === 'admin';

/**
 * E-mails of the workspace's Owner and Admins. Pass the workspace item when the route already loaded
 * it (then no read at all); otherwise one GetItem.
 */
export async function workspaceAdminEmails(workspaceId: string, workspaceItem?: Item): Promise<string[]> {
  const item = workspaceItem ?? (await getItem(keys.workspace(workspaceId)));
  if (!item) return [];
  const directory = item[ADMINS_ATTRIBUTE] as AdminDirectory | undefined;
  if (!directory || typeof directory !== 'object') throw new Error(`workspace ${workspaceId} has no admin directory`);
  return [...new Set(Object.values(directory))].sort();
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

/** The Update of the workspace item that applies `changes` to its map, or nothing when there is nothing to change. */
export function directoryUpdate(workspaceId: string, changes: DirectoryChange[]): TransactItem[] {
  if (changes.length === 0) return [];
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
