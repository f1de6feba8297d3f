/** Routes of SPEC §2 (users, workspaces, members, roles, billing). */
import * as z from 'zod/mini';
import { ASSIGNABLE_ROLES, BILLING_PLANS, WORKSPACE_ROLES } from '../domain/identity';
import { defineRoute } from '../http/route';
import * as s from '../http/schemas';
import { keys } from '../keys';

export const putMe = defineRoute({
  id: 'putMe',
  method: 'PUT',
  path: '/me',
  entry: 'functions/identity/put-me.ts',
  summary: 'Register or update the caller (from the token sub and email).',
  auth: 'authenticated',
  body: z.strictObject({ name: s.name() }),
  access: { table: 'readWrite' },
});

export const getMe = defineRoute({
  id: 'getMe',
  method: 'GET',
  path: '/me',
  entry: 'functions/identity/get-me.ts',
  summary: 'The caller, their workspace and role, and the teams where they are a partner.',
  access: { table: 'read' },
});

// ---- workspaces ------------------------------------------------------------------------------

const workspaceParams = z.strictObject({ workspaceId: s.id() });
const memberParams = z.strictObject({ workspaceId: s.id(), userId: s.id() });
const assignableRole = () => z.enum(ASSIGNABLE_ROLES);

const workspaceResponse = z.object({
  workspaceId: z.string(),
  name: z.string(),
  ownerId: z.string(),
  role: z.nullable(z.enum(WORKSPACE_ROLES)),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const memberResponse = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.nullable(z.enum(WORKSPACE_ROLES)),
  joinedAt: z.nullable(z.string()),
});
const billingResponse = z.object({
  workspaceId: z.string(),
  plan: z.enum(BILLING_PLANS),
  billingEmail: z.nullable(z.string()),
  updatedAt: z.string(),
});

export const createWorkspace = defineRoute({
  id: 'createWorkspace',
  method: 'POST',
  path: '/workspaces',
  entry: 'functions/workspaces/create-workspace.ts',
  summary: 'Create a workspace; the caller (in no workspace yet) becomes its Owner.',
  body: z.strictObject({ name: s.name() }),
  response: workspaceResponse,
  successStatus: 201,
  idempotent: true,
  access: { table: 'readWrite' },
});

export const getWorkspace = defineRoute({
  id: 'getWorkspace',
  method: 'GET',
  path: '/workspaces/{workspaceId}',
  entry: 'functions/workspaces/get-workspace.ts',
  summary: 'A workspace the caller belongs to (its id is what a host needs for a partnership request).',
  params: workspaceParams,
  response: workspaceResponse,
  preload: ({ params }) => [keys.workspace(params.workspaceId)],
  access: { table: 'read' },
});

export const listWorkspaceMembers = defineRoute({
  id: 'listWorkspaceMembers',
  method: 'GET',
  path: '/workspaces/{workspaceId}/members',
  entry: 'functions/workspaces/list-members.ts',
  summary: 'Members of the workspace and their roles (members only).',
  params: workspaceParams,
  query: s.listQuery(),
  response: s.pageOf(memberResponse),
  access: { table: 'read' },
});

export const addWorkspaceMember = defineRoute({
  id: 'addWorkspaceMember',
  method: 'POST',
  path: '/workspaces/{workspaceId}/members',
  entry: 'functions/workspaces/add-member.ts',
  summary: 'Owner/Admin: add a registered user who is in no workspace (role defaults to member).',
  params: workspaceParams,
  body: z.strictObject({ email: s.email(), role: z.optional(assignableRole()) }),
  response: memberResponse,
  successStatus: 201,
  idempotent: true,
  preload: ({ params }) => [keys.workspace(params.workspaceId)],
  access: { table: 'readWrite' },
});

export const changeWorkspaceMemberRole = defineRoute({
  id: 'changeWorkspaceMemberRole',
  method: 'PATCH',
  path: '/workspaces/{workspaceId}/members/{userId}',
  entry: 'functions/workspaces/change-member-role.ts',
  summary: "Owner/Admin: change a member's role (not the Owner's; owner only by ownership transfer).",
  params: memberParams,
  body: z.strictObject({ role: assignableRole() }),
  response: memberResponse,
  // The workspace comes along for its admin directory (shared/services/workspace-directory.ts).
  preload: ({ params }) => [keys.user(params.userId), keys.workspace(params.workspaceId)],
  access: { table: 'readWrite' },
});

export const removeWorkspaceMember = defineRoute({
  id: 'removeWorkspaceMember',
  method: 'DELETE',
  path: '/workspaces/{workspaceId}/members/{userId}',
  entry: 'functions/workspaces/remove-member.ts',
  summary: 'Owner/Admin remove a member; a member may remove themselves; the Owner cannot be removed.',
  params: memberParams,
  successStatus: 204,
  // The workspace comes along for its admin directory (shared/services/workspace-directory.ts).
  preload: ({ params }) => [keys.user(params.userId), keys.workspace(params.workspaceId)],
  access: { table: 'readWrite' },
});

export const transferWorkspaceOwnership = defineRoute({
  id: 'transferWorkspaceOwnership',
  method: 'POST',
  path: '/workspaces/{workspaceId}/ownership-transfer',
  entry: 'functions/workspaces/transfer-ownership.ts',
  summary: 'Owner only: make another member the Owner; the old Owner becomes an Admin.',
  params: workspaceParams,
  body: z.strictObject({ userId: s.id() }),
  response: workspaceResponse,
  // The new Owner's id is in the body, which preload cannot see: the service reads that user once.
  preload: ({ params }) => [keys.workspace(params.workspaceId)],
  access: { table: 'readWrite' },
});

export const getWorkspaceBilling = defineRoute({
  id: 'getWorkspaceBilling',
  method: 'GET',
  path: '/workspaces/{workspaceId}/billing',
  entry: 'functions/workspaces/get-billing.ts',
  summary: 'Billing settings (Owner, Admin, Billing Admin).',
  params: workspaceParams,
  response: billingResponse,
  preload: ({ params }) => [keys.workspace(params.workspaceId)],
  access: { table: 'read' },
});

export const putWorkspaceBilling = defineRoute({
  id: 'putWorkspaceBilling',
  method: 'PUT',
  path: '/workspaces/{workspaceId}/billing',
  entry: 'functions/workspaces/put-billing.ts',
  summary: 'Replace the billing settings (Owner, Admin, Billing Admin).',
  params: workspaceParams,
  body: z.strictObject({ plan: z.enum(BILLING_PLANS), billingEmail: s.email() }),
  response: billingResponse,
  preload: ({ params }) => [keys.workspace(params.workspaceId)],
  access: { table: 'readWrite' },
});

export const identityRoutes = [
  putMe,
  getMe,
  createWorkspace,
  getWorkspace,
  listWorkspaceMembers,
  addWorkspaceMember,
  changeWorkspaceMemberRole,
  removeWorkspaceMember,
  transferWorkspaceOwnership,
  getWorkspaceBilling,
  putWorkspaceBilling,
];
