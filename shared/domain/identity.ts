/** Users, workspaces and workspace roles: plain rules, no AWS. */
import { businessRule, conflict, forbidden, notFound } from '../errors';

export const WORKSPACE_ROLES = ['owner', 'admin', 'billing_admin', 'member'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** Roles that can be given when adding a member or changing a role: `owner` only by ownership transfer. */
export const ASSIGNABLE_ROLES = ['admin', 'billing_admin', 'member'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export const BILLING_PLANS = ['free', 'team', 'business', 'enterprise'] as const;
export type BillingPlan = (typeof BILLING_PLANS)[number];

export interface UserRecord {
  userId: string;
  email: string;
  name: string;
  /** Home workspace: a user belongs to at most one. */
  workspaceId?: string;
  role?: WorkspaceRole;
  /** Copy of the workspace's name, set when the user joins (GET /me needs no extra read). */
  workspaceName?: string;
  /** When the user joined their workspace. */
  joinedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface WorkspaceRecord {
  workspaceId: string;
  name: string;
  ownerId: string;
  billing: { plan: BillingPlan; billingEmail: string | null };
  createdAt: string;
  updatedAt: string;
}

type Membership = Pick<UserRecord, 'workspaceId' | 'role'>;

export const isMemberOf = (user: Pick<UserRecord, 'workspaceId'>, workspaceId: string) => user.workspaceId === workspaceId;

/** Owner or Admin of that workspace: manages members, approves partner invitations and partnerships. */
export const isWorkspaceAdmin = (user: Membership, workspaceId: string) =>
  user.workspaceId === workspaceId && (user.role === 'owner' || user.role === 'admin');

export const canManageBilling = (user: Membership, workspaceId: string) =>
  isWorkspaceAdmin(user, workspaceId) || (user.workspaceId === workspaceId && user.role === 'billing_admin');

export const isWorkspaceOwner = (user: Membership, workspaceId: string) => user.workspaceId === workspaceId && user.role === 'owner';

// ---- decisions: each throws the DomainError the spec asks for, or returns what to do ----------

/** Anyone outside the workspace may not know it exists: 404. */
export function requireMember(user: Membership, workspaceId: string): void {
  if (!isMemberOf(user, workspaceId)) throw notFound('workspace');
}

/** Owner/Admin; other members 403, outsiders 404. */
export function requireWorkspaceAdmin(user: Membership, workspaceId: string): void {
  requireMember(user, workspaceId);
  if (!isWorkspaceAdmin(user, workspaceId)) throw forbidden('Only the workspace Owner or an Admin may do this.');
}

/** Owner, Admin or Billing Admin; other members 403, outsiders 404. */
export function requireBillingManager(user: Membership, workspaceId: string): void {
  requireMember(user, workspaceId);
  if (!canManageBilling(user, workspaceId)) throw forbidden('Only the Owner, an Admin or a Billing Admin may see or change billing.');
}

export function requireOwner(user: Membership, workspaceId: string): void {
  requireMember(user, workspaceId);
  if (!isWorkspaceOwner(user, workspaceId)) throw forbidden('Only the workspace Owner may do this.');
}

const alreadyInWorkspace = (who: 'you' | 'user') =>
  conflict(
    'already_in_workspace',
    who === 'you' ? 'You already belong to a workspace.' : 'This user already belongs to another workspace.',
  );

/** POST /workspaces: a user belongs to at most one workspace. */
export function decideCreateWorkspace(user: Membership): void {
  if (user.workspaceId) throw alreadyInWorkspace('you');
}

/** POST /workspaces/{id}/members: the target (looked up by e-mail) must be registered and in no workspace. */
export function decideAddMember(actor: Membership, workspaceId: string, target: Membership | undefined): void {
  requireWorkspaceAdmin(actor, workspaceId);
  if (!target) throw businessRule('user_not_registered', 'No registered user has this e-mail: they must sign up (PUT /me) first.');
  if (target.workspaceId === workspaceId) throw conflict('already_member', 'This user is already a member of this workspace.');
  if (target.workspaceId) throw alreadyInWorkspace('user');
}

/**
 * PATCH /workspaces/{id}/members/{userId}: Owner/Admin change the role of anyone but the Owner.
 * Returns false when the role is already the requested one (nothing to write).
 */
export function decideRoleChange(actor: Membership, workspaceId: string, target: Membership | undefined, role: AssignableRole): boolean {
  requireWorkspaceAdmin(actor, workspaceId);
  if (!target || target.workspaceId !== workspaceId) throw notFound('member');
  if (target.role === 'owner') {
    throw businessRule('owner_role_unchangeable', "The Owner's role cannot be changed; transfer the ownership instead.");
  }
  return target.role !== role;
}

/** DELETE /workspaces/{id}/members/{userId}: Owner/Admin remove anyone but the Owner; a member may leave. */
export function decideRemoval(
  actor: Membership & { userId: string },
  workspaceId: string,
  target: (Membership & { userId: string }) | undefined,
): void {
  const self = target !== undefined && target.userId === actor.userId;
  requireMember(actor, workspaceId);
  if (!self) requireWorkspaceAdmin(actor, workspaceId);
  if (!target || target.workspaceId !== workspaceId) throw notFound('member');
  if (target.role === 'owner') {
    throw businessRule('owner_cannot_be_removed', 'The Owner cannot be removed; transfer the ownership first.');
  }
}

/** POST /workspaces/{id}/ownership-transfer: Owner only; the target must be another member. */
export function decideOwnershipTransfer(
  actor: Membership & { userId: string },
  workspaceId: string,
  target: (Membership & { userId: string }) | undefined,
): void {
  requireOwner(actor, workspaceId);
  if (target && target.userId === actor.userId) throw businessRule('already_owner', 'You are already the Owner.');
  if (!target || target.workspaceId !== workspaceId) {
    throw businessRule('not_a_member', 'The new Owner must be a member of this workspace.');
  }
}
