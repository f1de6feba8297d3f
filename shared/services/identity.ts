/** Registration and the caller's own profile (SPEC §2). */
import { activityItems } from '../data/activity';
import { getItem, putNew, tableName, transact, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import { conflict } from '../errors';
import { ENTITY, keys, normalizeEmail } from '../keys';
import type { Caller } from '../http/handler';
import { directoryUpdate, isDirectoryRole } from './workspace-directory';

export const userView = (user: UserRecord) => ({
  userId: user.userId,
  email: user.email,
  name: user.name,
  workspaceId: user.workspaceId ?? null,
  role: user.role ?? null,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

/** Strips table attributes (keys, type, index keys) from a stored user item. */
export function toUserRecord(item: Record<string, any>): UserRecord {
  const { userId, email, name, workspaceId, role, workspaceName, joinedAt, createdAt, updatedAt } = item;
  return { userId, email, name, workspaceId, role, workspaceName, joinedAt, createdAt, updatedAt };
}

const emailTaken = () => conflict('email_taken', 'Another user is registered with this e-mail.');

/** PUT /me: creates the user from the token's sub and email, or updates the name (and e-mail). */
export async function registerOrUpdate(caller: Caller, name: string, now: Date) {
  const at = now.toISOString();
  const email = normalizeEmail(caller.email);
  const existing = await getItem<UserRecord & { pk: string }>(keys.user(caller.userId));
  if (!existing) {
    const user: UserRecord = { userId: caller.userId, email, name, createdAt: at, updatedAt: at };
    await transact(
      [
        putNew({ ...keys.user(caller.userId), type: ENTITY.user, ...user }),
        putNew({ ...keys.emailGuard(email), type: ENTITY.emailGuard, userId: caller.userId }),
      ],
      (index) => (index === 1 ? emailTaken() : conflict('concurrent_update', 'The user was registered concurrently; retry.')),
    );
    return { user: userView(user), created: true };
  }

  const user: UserRecord = { ...toUserRecord(existing), name, email, updatedAt: at };
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...existing, name, email, updatedAt: at },
        // Optimistic: nobody changed the record (e.g. its workspace) since we read it.
        ConditionExpression: 'updatedAt = :seen',
        ExpressionAttributeValues: { ':seen': existing.updatedAt },
      },
    },
  ];
  if (email !== existing.email) {
    items.push(
      putNew({ ...keys.emailGuard(email), type: ENTITY.emailGuard, userId: caller.userId }),
      {
        Delete: {
          TableName: tableName(),
          Key: keys.emailGuard(existing.email),
          ConditionExpression: 'userId = :me',
          ExpressionAttributeValues: { ':me': caller.userId },
        },
      },
    );
  }
  if (email !== existing.email && existing.workspaceId && isDirectoryRole(existing.role)) {
    // An Owner/Admin's entry in the workspace's admin directory follows the e-mail (the Put above is
    // conditioned on the record we read, so the role it is based on still holds at commit).
    items.push(...directoryUpdate(existing.workspaceId, [{ userId: caller.userId, email }]));
  }
  if (existing.workspaceId) {
    items.push(
      ...activityItems([{ kind: 'workspace', id: existing.workspaceId }], {
        actorId: caller.userId,
        action: 'user.updated',
        target: { type: 'user', id: caller.userId },
        at,
      }),
    );
  }
  await transact(items, (index) =>
    index === 1 ? emailTaken() : conflict('concurrent_update', 'The user changed concurrently; retry.'),
  );
  return { user: userView(user), created: false };
}
