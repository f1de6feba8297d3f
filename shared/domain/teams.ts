/**
 * Teams, work items and team partners (SPEC §3, §4): plain rules, no AWS.
 *
 * `resolveTeamAccess` is the one place that decides what a caller may do in a team. Every team,
 * work-item and partner route loads (team, caller's team-member item, caller's partner item) in its
 * first BatchGet and asks this function; no handler or service checks roles on its own.
 */
import type { UserRecord } from './identity';
import { isWorkspaceAdmin } from './identity';

export const TEAM_VISIBILITIES = ['open', 'private'] as const;
export type TeamVisibility = (typeof TEAM_VISIBILITIES)[number];

export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const PARTNER_PERMISSIONS = ['view', 'edit', 'edit_and_invite'] as const;
export type PartnerPermission = (typeof PARTNER_PERMISSIONS)[number];

export const WORK_ITEM_STATUSES = ['todo', 'doing', 'done'] as const;
export type WorkItemStatus = (typeof WORK_ITEM_STATUSES)[number];

export const INVITATION_STATUSES = ['pending', 'active', 'declined', 'withdrawn', 'expired', 'removed'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface TeamRecord {
  teamId: string;
  workspaceId: string;
  name: string;
  visibility: TeamVisibility;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TeamMemberRecord {
  teamId: string;
  userId: string;
  role: TeamRole;
  addedBy: string;
  joinedAt: string;
}

export interface PartnerRecord {
  teamId: string;
  userId: string;
  email: string;
  /** The team's (host) workspace and the partner's home workspace. */
  workspaceId: string;
  partnerWorkspaceId: string;
  status: 'pending' | 'active';
  permission: PartnerPermission;
  invitationId: string;
  invitedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface InvitationRecord {
  invitationId: string;
  teamId: string;
  teamName: string;
  workspaceId: string;
  userId: string;
  email: string;
  partnerWorkspaceId: string;
  permission: PartnerPermission;
  status: InvitationStatus;
  invitedBy: string;
  inviterEmail: string;
  createdAt: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  remindersSent?: number;
}

export interface WorkItemRecord {
  workItemId: string;
  teamId: string;
  title: string;
  status: WorkItemStatus;
  assigneeId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The caller's effective rights in one team. `visible: false` means: answer 404. */
export interface TeamAccess {
  visible: boolean;
  /** How the caller relates to the team. */
  as: 'team_member' | 'workspace_admin' | 'workspace_member' | 'partner' | 'none';
  teamRole: TeamRole | null;
  partnerPermission: PartnerPermission | null;
  isWorkspaceAdmin: boolean;
  /** Read the team's work items, members and partners. */
  canRead: boolean;
  /** Create and edit work items. */
  canWriteWorkItems: boolean;
  /** May be the assignee of a work item. */
  assignable: boolean;
  canJoin: boolean;
  /** Add colleagues of the same workspace. */
  canAddMembers: boolean;
  /** Change roles of / remove team members. */
  canManageMembers: boolean;
  /** Rename, change visibility. */
  canEditSettings: boolean;
  /** Invite partners; at most `maxInvitePermission`. */
  canInvitePartners: boolean;
  maxInvitePermission: PartnerPermission | null;
  /** Invitations by this caller are active at once (workspace Owner/Admin). */
  invitesActiveAtOnce: boolean;
  /** Change permissions of / remove partners. */
  canManagePartners: boolean;
}

const PERMISSION_RANK: Record<PartnerPermission, number> = { view: 0, edit: 1, edit_and_invite: 2 };
export const permissionAtMost = (wanted: PartnerPermission, limit: PartnerPermission) => PERMISSION_RANK[wanted] <= PERMISSION_RANK[limit];
export const canEditWithPermission = (permission: PartnerPermission) => PERMISSION_RANK[permission] >= PERMISSION_RANK.edit;

const NO_ACCESS: TeamAccess = {
  visible: false,
  as: 'none',
  teamRole: null,
  partnerPermission: null,
  isWorkspaceAdmin: false,
  canRead: false,
  canWriteWorkItems: false,
  assignable: false,
  canJoin: false,
  canAddMembers: false,
  canManageMembers: false,
  canEditSettings: false,
  canInvitePartners: false,
  maxInvitePermission: null,
  invitesActiveAtOnce: false,
  canManagePartners: false,
};

/**
 * The one authorization function for team-scoped access.
 * - Workspace membership comes from the user record only (its `workspaceId`/`role`), so a user who
 *   left the workspace loses their team rights at once, whatever team-member item remains.
 * - A partner item counts only while `active` and only for the team it names; a pending, declined or
 *   removed partner sees nothing (404).
 */
export function resolveTeamAccess(
  user: Pick<UserRecord, 'userId' | 'workspaceId' | 'role'>,
  team: Pick<TeamRecord, 'teamId' | 'workspaceId' | 'visibility' | 'createdBy'> | undefined,
  member: Pick<TeamMemberRecord, 'teamId' | 'userId' | 'role'> | undefined,
  partner: Pick<PartnerRecord, 'teamId' | 'userId' | 'status' | 'permission'> | undefined,
): TeamAccess {
  if (!team) return NO_ACCESS;
  const inWorkspace = user.workspaceId === team.workspaceId;
  const wsAdmin = isWorkspaceAdmin(user, team.workspaceId);

  if (inWorkspace) {
    const teamRole = member && member.teamId === team.teamId && member.userId === user.userId ? member.role : null;
    const isTeamMember = teamRole !== null;
    const teamManager = teamRole === 'owner' || teamRole === 'admin';
    const manager = teamManager || wsAdmin;
    const visible = isTeamMember || wsAdmin || team.visibility === 'open';
    if (!visible) return NO_ACCESS;
    const canInvite = manager || team.createdBy === user.userId;
    return {
      visible: true,
      as: isTeamMember ? 'team_member' : wsAdmin ? 'workspace_admin' : 'workspace_member',
      teamRole,
      partnerPermission: null,
      isWorkspaceAdmin: wsAdmin,
      canRead: isTeamMember || wsAdmin,
      canWriteWorkItems: isTeamMember || wsAdmin,
      assignable: isTeamMember,
      canJoin: !isTeamMember && team.visibility === 'open',
      canAddMembers: isTeamMember || wsAdmin,
      canManageMembers: manager,
      canEditSettings: manager,
      canInvitePartners: canInvite,
      maxInvitePermission: canInvite ? 'edit_and_invite' : null,
      invitesActiveAtOnce: wsAdmin,
      canManagePartners: manager,
    };
  }

  if (partner && partner.status === 'active' && partner.teamId === team.teamId && partner.userId === user.userId) {
    const permission = partner.permission;
    const canInvite = permission === 'edit_and_invite';
    return {
      ...NO_ACCESS,
      visible: true,
      as: 'partner',
      partnerPermission: permission,
      canRead: true,
      canWriteWorkItems: canEditWithPermission(permission),
      assignable: canEditWithPermission(permission),
      canInvitePartners: canInvite,
      maxInvitePermission: canInvite ? permission : null,
    };
  }
  return NO_ACCESS;
}

// ---- members -------------------------------------------------------------------------------------

/** Team roles that PATCH /teams/{id}/members/{userId} may set; the Owner's role is not changed there. */
export const ASSIGNABLE_TEAM_ROLES = ['admin', 'member'] as const;

// ---- work items ----------------------------------------------------------------------------------

export type AssigneeCheck = 'ok' | 'assignee_view_only' | 'assignee_not_in_team';

/**
 * The assignee of a work item must be a member of the team who is still in the team's workspace, or
 * an active partner of the team with edit rights.
 */
export function checkAssignee(
  team: Pick<TeamRecord, 'teamId' | 'workspaceId'>,
  assignee: Pick<UserRecord, 'userId' | 'workspaceId'> | undefined,
  member: Pick<TeamMemberRecord, 'teamId' | 'userId'> | undefined,
  partner: Pick<PartnerRecord, 'teamId' | 'userId' | 'status' | 'permission'> | undefined,
): AssigneeCheck {
  if (!assignee) return 'assignee_not_in_team';
  if (member && member.teamId === team.teamId && member.userId === assignee.userId && assignee.workspaceId === team.workspaceId) {
    return 'ok';
  }
  if (partner && partner.teamId === team.teamId && partner.userId === assignee.userId && partner.status === 'active') {
    return canEditWithPermission(partner.permission) ? 'ok' : 'assignee_view_only';
  }
  return 'assignee_not_in_team';
}

// ---- partner invitations ------------------------------------------------------------------------

export type InvitationEntryCode =
  'partner_blocked' | 'partner_not_registered' | 'same_workspace' | 'already_partner' | 'permission_too_high';

export interface InvitationEntryInput {
  email: string;
  permission: PartnerPermission;
  /** The registered user with that e-mail, if any. */
  invitee?: Pick<UserRecord, 'userId' | 'workspaceId'>;
  /** Their current partner item in the team (pending or active), if any. */
  existing?: Pick<PartnerRecord, 'status'>;
  /** The team workspace's partner policy refuses them (blocked workspace or e-mail domain; SPEC §10). */
  blocked?: boolean;
}

export interface InvitationEntryError {
  index: number;
  email: string;
  code: InvitationEntryCode;
}

/**
 * Per-entry checks of a batch of partner invitations. All entries are checked (every error is
 * reported); the batch is valid only if the list is empty.
 */
export function checkInvitationEntries(
  team: Pick<TeamRecord, 'workspaceId'>,
  maxPermission: PartnerPermission,
  entries: InvitationEntryInput[],
): InvitationEntryError[] {
  const errors: InvitationEntryError[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const fail = (code: InvitationEntryCode) => errors.push({ index, email: entry.email, code });
    if (entry.blocked) return fail('partner_blocked');
    // A registered user in no workspace cannot be a partner: invite them as a member instead.
    if (!entry.invitee || !entry.invitee.workspaceId) return fail('partner_not_registered');
    if (entry.invitee.workspaceId === team.workspaceId) return fail('same_workspace');
    if (entry.existing || seen.has(entry.invitee.userId)) return fail('already_partner');
    seen.add(entry.invitee.userId);
    if (!permissionAtMost(entry.permission, maxPermission)) return fail('permission_too_high');
  });
  return errors;
}

/** The error a rejected batch answers with: the entries' code when they all share one. */
export function invitationBatchErrorCode(errors: InvitationEntryError[]): { code: string; conflict: boolean } {
  const codes = new Set(errors.map((e) => e.code));
  const [code, ...others] = [...codes];
  if (code !== undefined && others.length === 0) return { code, conflict: code === 'already_partner' };
  return { code: 'invalid_invitations', conflict: false };
}

// ---- reminders and expiry of pending invitations -----------------------------------------------

export const REMINDER_INTERVAL_MS = 3 * 24 * 60 * 60 * 1000;
export const INVITATION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const firstDueAt = (createdAt: string) => new Date(Date.parse(createdAt) + REMINDER_INTERVAL_MS).toISOString();
export const expiresAt = (createdAt: string) => new Date(Date.parse(createdAt) + INVITATION_TTL_MS).toISOString();

export type DueAction = { action: 'expire' } | { action: 'remind'; nextDueAt: string } | { action: 'skip' };

/**
 * What the scheduled job does with a pending invitation at `now`: expire it 30 days after creation,
 * else remind if the due time has come (and move the due time 3 days on, never past the expiry),
 * else nothing.
 */
export function dueAction(invitation: Pick<InvitationRecord, 'status' | 'createdAt'>, dueAt: string, now: Date): DueAction {
  if (invitation.status !== 'pending') return { action: 'skip' };
  const expiry = Date.parse(expiresAt(invitation.createdAt));
  if (now.getTime() >= expiry) return { action: 'expire' };
  if (now.getTime() < Date.parse(dueAt)) return { action: 'skip' };
  // Next reminder: the first multiple of 3 days after now, counted from the original due time.
  let next = Date.parse(dueAt) + REMINDER_INTERVAL_MS;
  while (next <= now.getTime()) next += REMINDER_INTERVAL_MS;
  return { action: 'remind', nextDueAt: new Date(Math.min(next, expiry)).toISOString() };
}
