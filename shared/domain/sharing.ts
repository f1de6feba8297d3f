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
 * The state also counts the live shares of each guest member, with the membership of the guest
 * workspace (`joinedAt`) they count for, which says whether the partnership "shares something" with
 * them (visibility, their list): a member who leaves and rejoins the guest workspace has a new
 * `joinedAt`, so entries of the earlier membership give nothing.
 */
import { businessRule, conflict, forbidden, notFound, type DomainError } from '../errors';
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
  /**
   * The guest-workspace membership (`joinedAt`) each count is about: that of the member's latest grant.
   * Entries of any other membership are dead. Present exactly for the members in shareCounts.
   */
  memberJoinedAt: Record<string, string | null>;
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

export interface Membership {
  userId: string;
  workspaceId?: string;
  role?: WorkspaceRole;
  joinedAt?: string;
}
/** A guest member as far as sharing goes: the user and their current membership of the guest workspace. */
export type Member = Pick<Membership, 'userId' | 'joinedAt'>;

export const emptyState = (p: { partnershipId: string; hostWorkspaceId: string; guestWorkspaceId: string }): SharingState => ({
  partnershipId: p.partnershipId,
  hostWorkspaceId: p.hostWorkspaceId,
  guestWorkspaceId: p.guestWorkspaceId,
  seq: 0,
  shareCounts: {},
  memberJoinedAt: {},
  removedMembers: {},
});

// ---- liveness --------------------------------------------------------------------------------------

/** An own property only (user ids are free strings: "constructor" must not find Object's). */
const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

type Counts = Pick<SharingState, 'shareCounts' | 'memberJoinedAt'>;

/** The state counts this membership of the member (the one of their latest grant). */
const isCounted = (counts: Counts, userId: string, joinedAt: string | null) =>
  Object.hasOwn(counts.memberJoinedAt, userId) && counts.memberJoinedAt[userId] === joinedAt;

/**
 * A member entry still gives access as far as the partnership knows: not revoked, granted after the
 * member's removal (if any), and of the membership the state counts. Whether the member still holds
 * that membership is on their user record (`isCurrentMember`).
 */
export function isLiveEntry(entry: ShareMember, state: SharingState): boolean {
  if (state.revokedAt) return false;
  if (entry.seq <= (own(state.removedMembers, entry.userId) ?? 0)) return false;
  return isCounted(state, entry.userId, entry.joinedAt);
}

export function liveMembers(share: SharedAccountRecord | undefined, state: SharingState): ShareMember[] {
  if (!share) return [];
  return Object.values(share.members).filter((m) => isLiveEntry(m, state));
}

/** The entry's member (their user record) is still in the guest workspace with the membership it was granted for. */
export function isCurrentMember(entry: ShareMember, user: Membership | undefined, guestWorkspaceId: string): boolean {
  return Boolean(user && user.workspaceId === guestWorkspaceId && (user.joinedAt ?? null) === entry.joinedAt);
}

/** The partnership shares something with this member in their current membership (the `sharesWithViewer` context of partnership-access.ts). */
export function sharesWith(state: SharingState | undefined, member: Member): boolean {
  if (!state || state.revokedAt || (own(state.shareCounts, member.userId) ?? 0) <= 0) return false;
  return isCounted(state, member.userId, member.joinedAt ?? null);
}

/** One more live entry of this member; a grant for another membership than the one counted starts over. */
function countEntry(counts: Counts, entry: Pick<ShareMember, 'userId' | 'joinedAt'>) {
  const before = isCounted(counts, entry.userId, entry.joinedAt) ? (own(counts.shareCounts, entry.userId) ?? 0) : 0;
  counts.shareCounts[entry.userId] = before + 1;
  counts.memberJoinedAt[entry.userId] = entry.joinedAt;
}

/** One live entry less (entries of a membership that is not counted change nothing). */
function uncountEntry(counts: Counts, entry: Pick<ShareMember, 'userId' | 'joinedAt'>) {
  if (!isCounted(counts, entry.userId, entry.joinedAt)) return;
  const left = (own(counts.shareCounts, entry.userId) ?? 0) - 1;
  if (left > 0) counts.shareCounts[entry.userId] = left;
  else forget(counts, entry.userId);
}

function forget(counts: Counts, userId: string) {
  // Plain records keyed by user id, not Maps: they are the state item's stored maps (zod-parsed, written as is).
  Reflect.deleteProperty(counts.shareCounts, userId);
  Reflect.deleteProperty(counts.memberJoinedAt, userId);
}

const copyCounts = (state: SharingState): Counts => ({
  shareCounts: { ...state.shareCounts },
  memberJoinedAt: { ...state.memberJoinedAt },
});

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
  const [only, ...others] = [...codes];
  const code = only !== undefined && others.length === 0 ? only : 'invalid_members';
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
 * `keepHigherRole` (an approved access request) a manager stays a manager. Dead entries are pruned;
 * with `users` (the user records of the share's members) so are the entries of members who left
 * the guest workspace since (or left and rejoined it).
 */
export function applyGrants(
  state: SharingState,
  current: SharedAccountRecord | undefined,
  account: { accountId: string; name: string },
  grants: Grant[],
  actorId: string,
  now: Date,
  options: { keepHigherRole?: boolean; users?: ReadonlyMap<string, Membership | undefined> } = {},
): GrantResult {
  const at = now.toISOString();
  const seq = state.seq + 1;
  const counts = copyCounts(state);
  const members: Record<string, ShareMember> = {};
  for (const m of liveMembers(current, state)) {
    if (options.users && !isCurrentMember(m, options.users.get(m.userId), state.guestWorkspaceId)) uncountEntry(counts, m);
    else members[m.userId] = m;
  }
  const hadLiveMembers = Object.keys(members).length > 0;
  const changes: GrantResult['changes'] = [];
  for (const grant of grants) {
    const live = own(members, grant.userId);
    if (live && live.joinedAt === grant.joinedAt) {
      const role = options.keepHigherRole && RANK[live.role] > RANK[grant.role] ? live.role : grant.role;
      const change: GrantChange = role === live.role ? 'unchanged' : 'role_changed';
      members[grant.userId] = { ...live, role, email: grant.email, updatedAt: change === 'unchanged' ? live.updatedAt : at };
      changes.push({ ...grant, role, change });
      continue;
    }
    // New (or replacing an entry from an earlier membership of the guest workspace).
    if (live) uncountEntry(counts, live);
    countEntry(counts, grant);
    members[grant.userId] = {
      userId: grant.userId,
      email: grant.email,
      role: grant.role,
      seq,
      joinedAt: grant.joinedAt,
      sharedAt: at,
      sharedBy: actorId,
      updatedAt: at,
    };
    changes.push({ ...grant, change: 'added' });
  }
  if (Object.keys(members).length > MAX_MEMBERS_PER_SHARE) {
    throw businessRule('too_many_members', `An account is shared with at most ${MAX_MEMBERS_PER_SHARE} guest members per partnership.`);
  }
  return {
    state: { ...state, seq, ...counts, updatedAt: at, createdAt: state.createdAt ?? at },
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
  const counts = copyCounts(state);
  for (const m of revoked) uncountEntry(counts, m);
  return { state: { ...state, seq: state.seq + 1, ...counts, updatedAt: now.toISOString() }, revoked };
}

/**
 * DELETE /partnerships/{id}/guest-members/{userId}: all their shares end at once; 404 when they have
 * none in their current membership (`member`: their user record; entries of an earlier one are dead already).
 */
export function removeGuestMemberShares(state: SharingState, member: Member, now: Date) {
  if (!sharesWith(state, member)) throw notFound('guest member');
  const revokedShares = state.shareCounts[member.userId];
  const seq = state.seq + 1;
  const counts = copyCounts(state);
  forget(counts, member.userId);
  return {
    state: { ...state, seq, ...counts, removedMembers: { ...state.removedMembers, [member.userId]: seq }, updatedAt: now.toISOString() },
    revokedShares,
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
  decision?: { by: string; at: string; reason?: string };
  createdAt: string;
  updatedAt: string;
}

/** The caller asks for access to `share` for someone else: they need a live manager entry on it. */
export function requireManager(
  share: SharedAccountRecord | undefined,
  state: SharingState,
  viewer: Membership,
): asserts share is SharedAccountRecord {
  const entry = share ? own(share.members, viewer.userId) : undefined;
  if (!share) throw notFound('shared account');
  if (!entry || !isLiveEntry(entry, state) || entry.joinedAt !== (viewer.joinedAt ?? null)) {
    throw forbidden('You are not a guest member with access to this account.');
  }
  if (entry.role !== 'manager') throw forbidden('Only a Manager of the account may request access for other guest members.');
}

/** The target of an access request: a guest member without live access yet. */
export function checkAccessTarget(
  share: SharedAccountRecord,
  state: SharingState,
  target: Membership | undefined,
  guestWorkspaceId: string,
): asserts target is Membership {
  if (!target || target.workspaceId !== guestWorkspaceId) {
    throw businessRule('not_guest_member', 'Access can be requested only for a member of the guest workspace.', [
      { field: 'body.email', issue: 'not a member of the guest workspace' },
    ]);
  }
  const entry = own(share.members, target.userId);
  if (entry && isLiveEntry(entry, state) && entry.joinedAt === (target.joinedAt ?? null)) {
    throw conflict('already_shared', 'This guest member already has access to the account.');
  }
}

/**
 * Who sees an access request in the partnership's list: Owners and host/guest Owner/Admins all; a plain
 * guest member those they made or that are for them, made during their current membership.
 */
export function seesAccessRequest(request: AccessRequestRecord, viewer: Member, seesAll: boolean): boolean {
  if (seesAll) return true;
  const theirs = request.requestedBy === viewer.userId || request.userId === viewer.userId;
  return theirs && viewer.joinedAt !== undefined && request.createdAt >= viewer.joinedAt;
}

export function decideAccessRequest(
  request: AccessRequestRecord,
  action: 'approve' | 'decline',
  input: { actorId: string; reason?: string; now: Date },
): AccessRequestRecord {
  if (request.status !== 'pending') {
    throw conflict('invalid_state', `The access request is ${request.status}: "${action}" is not possible now.`, {
      status: request.status,
      action,
    });
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

/** A refusal carries the error the caller gets, once the refused attempt is logged (with `reason`). */
export type LoginDecision = { allowed: true; via: LoginVia; role?: ShareRole } | { allowed: false; reason: string; error: DomainError };

const refused = (reason: string, error: DomainError = notFound('account')): LoginDecision => ({ allowed: false, reason, error });

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
  return refused('not_creator_or_admin', forbidden("Only the account's creator and the workspace Owner and Admins may use this account."));
}

export function decideGuestLogin(input: {
  user: Membership;
  partnership: { status: string; guestWorkspaceId: string } | undefined;
  state: SharingState | undefined;
  share: SharedAccountRecord | undefined;
}): LoginDecision {
  const { user, partnership, state, share } = input;
  if (!partnership || partnership.status !== 'active') return refused('partnership_not_active');
  if (user.workspaceId !== partnership.guestWorkspaceId) return refused('not_guest_member');
  const entry = share ? own(share.members, user.userId) : undefined;
  if (!state || !entry) return refused('not_shared');
  if (state.revokedAt) return refused('partnership_revoked');
  if (entry.joinedAt !== (user.joinedAt ?? null)) return refused('membership_changed');
  if (!isLiveEntry(entry, state)) return refused('guest_member_removed');
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
