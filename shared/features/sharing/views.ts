/** What the sharing routes answer, and what their activity entries and notifications are scoped to. */
import type { PartnershipRecord } from '../../domain/partnership';
import type { AccessRequestRecord, AccountRecord, SharedAccountRecord, ShareMember } from '../../domain/sharing';
import type { ActivityEntry, ActivityScope } from '../../store/activity';

export const accountView = (a: AccountRecord) => ({
  accountId: a.accountId,
  workspaceId: a.workspaceId,
  name: a.name,
  loginUrl: a.loginUrl,
  createdBy: a.createdBy,
  createdAt: a.createdAt,
});

export const shareView = (
  share: Pick<SharedAccountRecord, 'partnershipId' | 'accountId' | 'accountName' | 'createdAt' | 'updatedAt'>,
  members: ShareMember[],
) => ({
  partnershipId: share.partnershipId,
  accountId: share.accountId,
  accountName: share.accountName,
  members: members
    .map((m) => ({ userId: m.userId, email: m.email, role: m.role, sharedAt: m.sharedAt, sharedBy: m.sharedBy, updatedAt: m.updatedAt }))
    .sort((a, b) => a.sharedAt.localeCompare(b.sharedAt) || a.userId.localeCompare(b.userId)),
  createdAt: share.createdAt,
  updatedAt: share.updatedAt,
});

export const accessRequestView = (r: AccessRequestRecord) => ({
  accessRequestId: r.accessRequestId,
  partnershipId: r.partnershipId,
  accountId: r.accountId,
  accountName: r.accountName,
  userId: r.userId,
  email: r.email,
  role: r.role,
  status: r.status,
  requestedBy: r.requestedBy,
  requesterEmail: r.requesterEmail,
  decision: r.decision ? { by: r.decision.by, at: r.decision.at, reason: r.decision.reason ?? null } : null,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const activityView = (e: ActivityEntry) => ({
  activityId: e.id,
  at: e.at,
  actorId: e.actorId,
  action: e.action,
  target: e.target,
  data: e.data,
});

/** Activity scopes of a sharing change: the partnership and both workspaces (the guest sees it from acceptance on). */
export const sharingScopes = (p: Pick<PartnershipRecord, 'partnershipId' | 'hostWorkspaceId' | 'guestWorkspaceId'>): ActivityScope[] => [
  { kind: 'partnership', id: p.partnershipId },
  { kind: 'workspace', id: p.hostWorkspaceId },
  { kind: 'workspace', id: p.guestWorkspaceId },
];
