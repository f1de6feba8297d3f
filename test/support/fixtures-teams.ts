/**
 * Workspace fixtures for the team and team-partner tests. They use the real workspace routes
 * (POST /workspaces, POST /workspaces/{id}/members) when the route table has them, and otherwise
 * seed the workspace and the user's membership directly in the table, the way those routes store it
 * (the user record holds workspaceId and role and carries the workspace member index keys).
 */
import { UpdateCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { matchRoute } from '../../local/router';
import { db, tableName } from '../../shared/data/dynamo';
import type { WorkspaceRole } from '../../shared/domain/identity';
import { newId } from '../../shared/ids';
import { ENTITY, keys } from '../../shared/store/keys';
import { listNotifications } from '../../shared/notify/outbox';
import { registered } from './api';

export type Api = Awaited<ReturnType<typeof registered>>;

const hasRoute = (method: string, path: string) => matchRoute(method, path)?.route.path.startsWith('/workspaces') ?? false;

async function seedMembership(api: Api, workspaceId: string, role: WorkspaceRole, workspaceName: string) {
  const at = new Date().toISOString();
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(api.actor!.userId),
      UpdateExpression: 'SET workspaceId = :ws, #role = :role, workspaceName = :name, joinedAt = :at, updatedAt = :at, #g1pk = :g1pk, #g1sk = :g1sk',
      ExpressionAttributeNames: { '#role': 'role', '#g1pk': 'gsi1pk', '#g1sk': 'gsi1sk' },
      ExpressionAttributeValues: {
        ':ws': workspaceId,
        ':role': role,
        ':name': workspaceName,
        ':at': at,
        ...Object.fromEntries(Object.entries(keys.workspaceMemberIndex(workspaceId, api.actor!.userId)).map(([k, v]) => [`:${k.replace('gsi1', 'g1')}`, v])),
      },
    }),
  );
}

/** A new workspace owned by a freshly registered user. */
export async function newWorkspace(label = 'owner', name = 'Acme') {
  const owner = await registered(label);
  if (hasRoute('POST', '/workspaces')) {
    const created = await owner.post('/workspaces', { name });
    expect(created.status).toBe(201);
    return { workspaceId: created.body.workspaceId as string, owner };
  }
  const workspaceId = newId();
  const at = new Date().toISOString();
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.workspace(workspaceId),
        type: ENTITY.workspace,
        workspaceId,
        name,
        ownerId: owner.actor!.userId,
        billing: { plan: 'free', billingEmail: null },
        createdAt: at,
        updatedAt: at,
      },
    }),
  );
  await seedMembership(owner, workspaceId, 'owner', name);
  return { workspaceId, owner };
}

/** A freshly registered user added to the workspace with that role. */
export async function newMember(ws: { workspaceId: string; owner: Api }, role: WorkspaceRole = 'member', label: string = role) {
  const api = await registered(label);
  if (hasRoute('POST', `/workspaces/${ws.workspaceId}/members`)) {
    const added = await ws.owner.post(`/workspaces/${ws.workspaceId}/members`, { email: api.actor!.email, ...(role === 'member' ? {} : { role }) });
    expect(added.status).toBe(201);
    return api;
  }
  await seedMembership(api, ws.workspaceId, role, 'Acme');
  return api;
}

export const uid = (api: Api) => api.actor!.userId;
export const emailOf = (api: Api) => api.actor!.email;

/** Templates of the notifications recorded for that user, newest first. */
export async function notificationsOf(api: Api | string) {
  const email = typeof api === 'string' ? api : api.actor!.email;
  return (await listNotifications(email, { limit: 100 })).items;
}

export function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
}
