/** Routes of SPEC §2: workspaces, members, roles, ownership, billing. */
import * as z from 'zod/mini';
import { ASSIGNABLE_ROLES, BILLING_PLANS, WORKSPACE_ROLES } from '../../domain/identity';
import { MAX_POLICY_ENTRIES } from '../../domain/partnership-policy';
import { TERM_MAX_DAYS, TERM_MIN_DAYS } from '../../domain/partnership-term';
import { defineRoute } from '../../http/route';
import * as s from '../../http/schemas';

// ---- workspaces ------------------------------------------------------------------------------

const workspaceParams = z.strictObject({ workspaceId: s.id() });
const memberParams = z.strictObject({ workspaceId: s.id(), userId: s.id() });
const assignableRole = () => z.enum(ASSIGNABLE_ROLES);

const workspaceResponse = s.named(
  'Workspace',
  z.object({
    workspaceId: z.string(),
    name: z.string(),
    ownerId: z.string(),
    role: z.nullable(z.enum(WORKSPACE_ROLES)),
    createdAt: s.time(),
    updatedAt: s.time(),
  }),
);
const memberResponse = s.named(
  'WorkspaceMember',
  z.object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.nullable(z.enum(WORKSPACE_ROLES)),
    joinedAt: z.nullable(s.time()),
  }),
);
const billingResponse = s.named(
  'Billing',
  z.object({
    workspaceId: z.string(),
    plan: z.enum(BILLING_PLANS),
    billingEmail: z.nullable(z.string()),
    updatedAt: s.time(),
  }),
);

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
  errors: { 409: ['already_in_workspace'] },
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
  errors: { 404: ['not_found'] },
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
  errors: { 404: ['not_found'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'], 409: ['already_member', 'already_in_workspace'], 422: ['user_not_registered'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['owner_role_unchangeable'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['owner_cannot_be_removed'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'], 422: ['already_owner', 'not_a_member'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'] },
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
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite' },
});

// ---- partner policy (SPEC §10) -----------------------------------------------------------------

/** A list of at most 100 entries, none repeated (each repeat is a detail of the 400). */
const uniqueList = <T extends z.ZodMiniType<string>>(entry: T) =>
  z
    .array(entry)
    .check(
      z.maxLength(MAX_POLICY_ENTRIES),
      z.superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((value, index) => {
          if (seen.has(value)) ctx.addIssue({ code: 'custom', message: 'repeats an earlier entry', path: [index], input: value });
          seen.add(value);
        });
      }),
    )
    .register(z.globalRegistry, { uniqueItems: true });

/** An e-mail domain (lowercased): labels of letters, digits and hyphens, a top-level label of letters. */
const emailDomain = () =>
  z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.maxLength(253),
      z.regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be an e-mail domain such as example.com'),
    );
const termDays = () => z.int().check(z.minimum(TERM_MIN_DAYS), z.maximum(TERM_MAX_DAYS));

const policyBody = z.strictObject({
  trustedWorkspaceIds: uniqueList(s.id()),
  blockedWorkspaceIds: uniqueList(s.id()),
  blockedEmailDomains: uniqueList(emailDomain()),
  defaultTermDays: z.nullable(termDays()),
});
const policyResponse = z.object({
  workspaceId: z.string(),
  trustedWorkspaceIds: z.array(z.string()),
  blockedWorkspaceIds: z.array(z.string()),
  blockedEmailDomains: z.array(z.string()),
  defaultTermDays: z.nullable(z.number()),
  updatedAt: z.nullable(z.string()),
  updatedBy: z.nullable(z.string()),
});

export const getPartnershipPolicy = defineRoute({
  id: 'getPartnershipPolicy',
  method: 'GET',
  path: '/workspaces/{workspaceId}/partnership-policy',
  entry: 'functions/workspaces/get-partnership-policy.ts',
  summary: "The workspace's partner policy: trusted and blocked workspaces, blocked e-mail domains, default term (Owner/Admin).",
  params: workspaceParams,
  response: policyResponse,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'read' },
});

export const putPartnershipPolicy = defineRoute({
  id: 'putPartnershipPolicy',
  method: 'PUT',
  path: '/workspaces/{workspaceId}/partnership-policy',
  entry: 'functions/workspaces/put-partnership-policy.ts',
  summary:
    "Replace the workspace's partner policy (Owner/Admin): each list at most 100 entries, none repeated, listed ids must be other " +
    'workspaces (400 with details otherwise); defaultTermDays 30..365 or null. Applies to new requests and invitations only.',
  params: workspaceParams,
  body: policyBody,
  response: policyResponse,
  errors: { 403: ['forbidden'], 404: ['not_found'] },
  access: { table: 'readWrite' },
});

export const workspaceRoutes = [
  createWorkspace,
  getWorkspace,
  listWorkspaceMembers,
  addWorkspaceMember,
  changeWorkspaceMemberRole,
  removeWorkspaceMember,
  transferWorkspaceOwnership,
  getWorkspaceBilling,
  putWorkspaceBilling,
  getPartnershipPolicy,
  putPartnershipPolicy,
];
