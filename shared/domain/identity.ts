/** Users, workspaces and workspace roles: plain rules, no AWS. */
export const WORKSPACE_ROLES = ['owner', 'admin', 'billing_admin', 'member'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export interface UserRecord {
  userId: string;
  email: string;
  name: string;
  /** Home workspace: a user belongs to at most one. */
  workspaceId?: string;
  role?: WorkspaceRole;
  createdAt: string;
  updatedAt: string;
}

export interface WorkspaceRecord {
  workspaceId: string;
  name: string;
  ownerId: string;
  billing: { plan: string; billingEmail: string | null };
  createdAt: string;
  updatedAt: string;
}

export const isMemberOf = (user: Pick<UserRecord, 'workspaceId'>, workspaceId: string) =>
  user.workspaceId === workspaceId;

/** Owner or Admin of that workspace: manages members, approves partner invitations and partnerships. */
export const isWorkspaceAdmin = (user: Pick<UserRecord, 'workspaceId' | 'role'>, workspaceId: string) =>
  user.workspaceId === workspaceId && (user.role === 'owner' || user.role === 'admin');

export const canManageBilling = (user: Pick<UserRecord, 'workspaceId' | 'role'>, workspaceId: string) =>
  isWorkspaceAdmin(user, workspaceId) || (user.workspaceId === workspaceId && user.role === 'billing_admin');
