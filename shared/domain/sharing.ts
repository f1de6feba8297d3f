/**
 * Sharing accounts through an active partnership (SPEC §6): shares, guest-member removal, access
 * requests and who may log in to an account. Plain rules, no AWS.
 *
 * Storage model (shared/keys.ts): one item per account shared in a partnership, holding its guest
 * members, and one sharing state per partnership. Every sharing write takes the next sequence number
 * of the state (optimistic concurrency) and a member entry remembers the number it was granted with.
 * Revoking is then bounded whatever the number of shares:
 *   - an account's shares in a partnership: delete its one item;
 *   - a guest member's shares: record `removedMembers[userId] = seq` (entries granted before are dead);
 *   - the whole partnership: the `revokedAt` marker (and the partnership's own status).
 * The state also counts the live shares of each guest member, which says whether the partnership
 * "shares something" with them (visibility, their list).
 */
import { businessRule, conflict, forbidden, notFound } from '../errors';
import type { WorkspaceRole } from './identity';

export const SHARE_ROLES = ['collaborator', 'manager'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];

/** Guest members of one account in one partnership (bounds the share item, well below 400 KB). */
export const MAX_MEMBERS_PER_SHARE = 200;
/** A login grant is valid this long. */
export const LOGIN_GRANT_MS = 15 * 60_000;

export interface ShareMember {
  userId: string;
  email: string;
  role: ShareRole;
  /** The sharing sequence number the member was granted with (see removedMembers). */
  seq: number;
  /** The member's `joinedAt` in the guest workspace when granted: leaving and rejoining does not revive it. */
  joinedAt: string | null;
  sharedAt: string;
  sharedBy: string;
  updatedAt: string;
}

/** An account shared through a partnership. */
export interface SharedAccountRecord {
  partnershipId: string;
  accountId: string;
  accountName: string;
  hostWorkspaceId: string;
  guestWorkspaceId: string;
  members: Record<string, ShareMember>;
  createdAt: string;
  updatedAt: string;
}

export interface SharingState {
  partnershipId: string;
  hostWorkspaceId: string;
  guestWorkspaceId: string;
  /** Last sharing sequence number; 0 when nothing was ever shared (no item yet). */
  seq: number;
  /** Live shares per guest member (members with none are absent). */
  shareCounts: Record<string, number>;
  /** Guest members removed from the partnership: entries granted with a seq up to this are dead. */
  removedMembers: Record<string, number>;
  /** Every share revoked (the partnership was removed). */
  revokedAt?: string;
  revokedBy?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface AccountRecord {
  accountId: string;
  workspaceId: string;
  name: string;
  loginUrl: string | null;
  createdBy: string;
  createdAt: string;
  /** guest workspace id -> the partnership the account is shared with it through. */
  sharedThrough: Record<string, string>;
}

interface Membership {
  userId: string;
  workspaceId?: string;
  role?: WorkspaceRole;
  joinedAt?: string;
}

export const emptyState = (p: { partnershipId: string; hostWorkspaceId: string; guestWorkspaceId: string }): SharingState => ({
  partnershipId: p.partnershipId,
  hostWorkspaceId: p.hostWorkspaceId,
  guestWorkspaceId: p.guestWorkspaceId,
  seq: 0,
  shareCounts: {},
  removedMembers: {},
});

// ---- liveness --------------------------------------------------------------------------------------

/** A member entry still gives access (as far as the partnership's sharing goes). */
export function isLiveEntry(entry: ShareMember, state: SharingState): boolean {
  if (state.revokedAt) return false;
  return entry.seq > (state.removedMembers[entry.userId] ?? 0);
}

export function liveMembers(share: SharedAccountRecord | undefined, state: SharingState): ShareMember[] {
  if (!share) return [];
  return Object.values(share.members).filter((m) => isLiveEntry(m, state));
}

/** The partnership shares something with this user (the `guestMemberCanSee` hook of partnership-access.ts). */
export function sharesWith(state: SharingState | undefined, userId: string): boolean {
  return Boolean(state && !state.revokedAt && (state.shareCounts[userId] ?? 0) > 0);
}

/** The guest members that have at least one live share. */
export const sharedWithMembers = (state: SharingState) => Object.keys(state.shareCounts).filter((u) => state.shareCounts[u] > 0).sort();

// ---- POST /partnerships/{id}/shares (and access request approval) ----------------------------------

export interface MemberEntryInput {
  email: string;
  role: ShareRole;
  /** The registered user with this e-mail, if any. */
  user: Membership | undefined;
}

export interface EntryError {
  index: number;
  email: string;
  code: 'not_guest_member' | 'duplicate_member';
}

/** Per entry: a registered user of the guest workspace, named once. Returns every failing entry. */
export function checkShareMembers(entries: MemberEntryInput[], guestWorkspaceId: string): EntryError[] {
  const errors: EntryError[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const email = entry.email.trim().toLowerCase();
    if (!entry.user || entry.user.workspaceId !== guestWorkspaceId) errors.push({ index, email, code: 'not_guest_member' });
    else if (seen.has(entry.user.userId)) errors.push({ index, email, code: 'duplicate_member' });
    if (entry.user) seen.add(entry.user.userId);
  });
  return errors;
}

/** The error of a failed member batch: the common code when all agree, else `invalid_members`; 422 either way. */
export function memberBatchError(errors: EntryError[]) {
  const codes = new Set(errors.map((e) => e.code));
  const code = codes.size === 1 ? [...codes][0] : 'invalid_members';
  const message =
    code === 'not_guest_member'
      ? 'Every member must belong to the guest workspace; nothing was shared.'
      : 'Some members are not valid; nothing was shared.';
  return businessRule(code, message, errors);
}

export interface Grant {
  userId: string;
  email: string;
  role: ShareRole;
  joinedAt: string | null;
}

export type GrantChange = 'added' | 'role_changed' | 'unchanged';

export interface GrantResult {
  state: SharingState;
  share: SharedAccountRecord;
  changes: Array<Grant & { change: GrantChange }>;
}

const RANK: Record<ShareRole, number> = { collaborator: 1, manager: 2 };

/**
 * Grants (or re-grants) members access to an account. Re-sharing sets the role given; with
 * `keepHigherRole` (an approved access request) a manager stays a manager. Dead entries are pruned.
 */
export function applyGrants(
  state: SharingState,
  current: SharedAccountRecord | undefined,
  account: { accountId: string; name: string },
  grants: Grant[],
  actorId: string,
  now: Date,
  options: { keepHigherRole?: boolean } = {},
): GrantResult {
  const at = now.toISOString();
  const seq = state.seq + 1;
  const members: Record<string, ShareMember> = {};
  for (const m of liveMembers(current, state)) members[m.userId] = m;
  const hadLiveMembers = Object.keys(members).length > 0;
  const shareCounts = { ...state.shareCounts };
  const changes: GrantResult['changes'] = [];
  for (const grant of grants) {
    const live = members[grant.userId];
    if (live && live.joinedAt === grant.joinedAt) {
      const role = options.keepHigherRole && RANK[live.role] > RANK[grant.role] ? live.role : grant.role;
      const change: GrantChange = role === live.role ? 'unchanged' : 'role_changed';
      members[grant.userId] = { ...live, role, email: grant.email, updatedAt: change === 'unchanged' ? live.updatedAt : at };
      changes.push({ ...grant, role, change });
      continue;
    }
    // New (or replacing an entry from an earlier membership of the guest workspace).
    if (!live) shareCounts[grant.userId] = (shareCounts[grant.userId] ?? 0) + 1;
    members[grant.userId] = { userId: grant.userId, email: grant.email, role: grant.role, seq, joinedAt: grant.joinedAt, sharedAt: at, sharedBy: actorId, updatedAt: at };
    changes.push({ ...grant, change: 'added' });
  }
  if (Object.keys(members).length > MAX_MEMBERS_PER_SHARE) {
    throw businessRule('too_many_members', `An account is shared with at most ${MAX_MEMBERS_PER_SHARE} guest members per partnership.`);
  }
  return {
    state: { ...state, seq, shareCounts, updatedAt: at, createdAt: state.createdAt ?? at },
    share: {
      partnershipId: state.partnershipId,
      accountId: account.accountId,
      accountName: account.name,
      hostWorkspaceId: state.hostWorkspaceId,
      guestWorkspaceId: state.guestWorkspaceId,
      members,
      createdAt: current && hadLiveMembers ? current.createdAt : at,
      updatedAt: at,
    },
    changes,
  };
}

// ---- revocations ------------------------------------------------------------------------------------

/** DELETE /partnerships/{id}/shares/{accountId}: the account's live shares end; 404 when there are none. */
export function revokeAccountShares(state: SharingState, share: SharedAccountRecord | undefined, now: Date) {
  const revoked = liveMembers(share, state);
  if (revoked.length === 0) throw notFound('share');
  const shareCounts = { ...state.shareCounts };
  for (const m of revoked) {
    const left = (shareCounts[m.userId] ?? 0) - 1;
    if (left > 0) shareCounts[m.userId] = left;
    else delete shareCounts[m.userId];
  }
  return { state: { ...state, seq: state.seq + 1, shareCounts, updatedAt: now.toISOString() }, revoked };
}

/** DELETE /partnerships/{id}/guest-members/{userId}: all their shares end at once; 404 when they have none. */
export function removeGuestMemberShares(state: SharingState, userId: string, now: Date) {
  const count = state.revokedAt ? 0 : (state.shareCounts[userId] ?? 0);
  if (count === 0) throw notFound('guest member');
  const seq = state.seq + 1;
  const shareCounts = { ...state.shareCounts };
  delete shareCounts[userId];
  return {
    state: { ...state, seq, shareCounts, removedMembers: { ...state.removedMembers, [userId]: seq }, updatedAt: now.toISOString() },
    revokedShares: count,
  };
}

// ---- access requests ---------------------------------------------------------------------------------

export const ACCESS_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];

export interface AccessRequestRecord {
  accessRequestId: string;
  partnershipId: string;
  accountId: string;
  accountName: string;
  /** The guest member who should get access. */
  userId: string;
  email: string;
  role: 'collaborator';
  status: AccessRequestStatus;
  requestedBy: string;
  requesterEmail: string;
  reason?: string;
  decision?: { by: string; at: string; reason?: string };
  createdAt: string;
  updatedAt: string;
}

/** The caller asks for access to `share` for someone else: they need a live manager entry on it. */
export function requireManager(share: SharedAccountRecord | undefined, state: SharingState, viewer: Membership) {
  const entry = share?.members[viewer.userId];
  if (!share) throw notFound('shared account');
  if (!entry || !isLiveEntry(entry, state) || entry.joinedAt !== (viewer.joinedAt ?? null)) {
    throw forbidden('You are not a guest member with access to this account.');
  }
  if (entry.role !== 'manager') throw forbidden('Only a Manager of the account may request access for other guest members.');
}

/** The target of an access request: a guest member without live access yet. */
export function checkAccessTarget(share: SharedAccountRecord, state: SharingState, target: Membership | undefined, guestWorkspaceId: string) {
  if (!target || target.workspaceId !== guestWorkspaceId) {
    throw businessRule('not_guest_member', 'Access can be requested only for a member of the guest workspace.', [
      { field: 'body.email', issue: 'not a member of the guest workspace' },
    ]);
  }
  const entry = share.members[target.userId];
  if (entry && isLiveEntry(entry, state) && entry.joinedAt === (target.joinedAt ?? null)) {
    throw conflict('already_shared', 'This guest member already has access to the account.');
  }
}

export function decideAccessRequest(
  request: AccessRequestRecord,
  action: 'approve' | 'decline',
  input: { actorId: string; reason?: string; now: Date },
): AccessRequestRecord {
  if (request.status !== 'pending') {
    throw conflict('invalid_state', `The access request is ${request.status}: "${action}" is not possible now.`, { status: request.status, action });
  }
  const at = input.now.toISOString();
  return {
    ...request,
    status: action === 'approve' ? 'approved' : 'declined',
    decision: { by: input.actorId, at, ...(input.reason ? { reason: input.reason } : {}) },
    updatedAt: at,
  };
}

// ---- logins ---------------------------------------------------------------------------------------------

export type LoginVia = 'creator' | 'host_admin' | 'share';

export type LoginDecision =
  | { allowed: true; via: LoginVia; role?: ShareRole }
  | { allowed: false; status: 403 | 404; reason: string };

/**
 * Who may use an account: its creator (still a host member) and host Owner/Admins; other host
 * members see the account in the list, so they get 403. Anyone else needs a live share (guest
 * member of an active partnership that shares the account with them), otherwise 404: they may not
 * know the account.
 */
export function decideHostLogin(account: AccountRecord, user: Membership): LoginDecision | undefined {
  if (user.workspaceId !== account.workspaceId) return undefined;
  if (account.createdBy === user.userId) return { allowed: true, via: 'creator' };
  if (user.role === 'owner' || user.role === 'admin') return { allowed: true, via: 'host_admin' };
  return { allowed: false, status: 403, reason: 'not_creator_or_admin' };
}

export function decideGuestLogin(input: {
  user: Membership;
  partnership: { status: string; guestWorkspaceId: string } | undefined;
  state: SharingState | undefined;
  share: SharedAccountRecord | undefined;
}): LoginDecision {
  const { user, partnership, state, share } = input;
  if (!partnership || partnership.status !== 'active') return { allowed: false, status: 404, reason: 'partnership_not_active' };
  if (user.workspaceId !== partnership.guestWorkspaceId) return { allowed: false, status: 404, reason: 'not_guest_member' };
  const entry = share?.members[user.userId];
  if (!state || !share || !entry) return { allowed: false, status: 404, reason: 'not_shared' };
  if (state.revokedAt) return { allowed: false, status: 404, reason: 'partnership_revoked' };
  if (!isLiveEntry(entry, state)) return { allowed: false, status: 404, reason: 'guest_member_removed' };
  if (entry.joinedAt !== (user.joinedAt ?? null)) return { allowed: false, status: 404, reason: 'membership_changed' };
  return { allowed: true, via: 'share', role: entry.role };
}

// ---- activity ---------------------------------------------------------------------------------------------

/**
 * Guest-side viewers of a partnership's activity do not see the host approval stage (the request
 * before the host approved it, its reminders): like the partnership view, which hides the host's
 * internal reason and approver.
 */
export function visibleToGuestSide(entry: { action: string; data?: Record<string, unknown> }): boolean {
  const d = entry.data ?? {};
  if (!entry.action.startsWith('partnership.')) return true;
  return d.from !== 'awaiting_host_approval' && d.to !== 'awaiting_host_approval' && d.status !== 'awaiting_host_approval';
}
