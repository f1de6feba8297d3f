/**
 * Storage of accounts, shares, access requests and the sharing state of a partnership (SPEC §6):
 * item <-> record mapping and the transaction items the sharing use cases are written with. Every
 * sharing write of a partnership puts its sharing state conditioned on the sequence number it read
 * (optimistic concurrency); a failed condition makes the use case reload and decide again.
 */
import { tableName, put, transact, TransactionConflict, type Item, type TransactItem } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import type { PartnershipRecord } from '../domain/partnership';
import {
  emptyState,
  type AccessRequestRecord,
  type AccountRecord,
  type SharedAccountRecord,
  type SharingState,
} from '../domain/sharing';
import { DomainError } from '../errors';
import { ENTITY, keys, type ActivityScope } from '../store/keys';
import { TABLE } from '../store/table';
import { partnershipSummary, type PartnershipSummary } from './partnership-store';

// ---- mapping ------------------------------------------------------------------------------------------

export function toSharingState(item: Item | undefined, p: Pick<PartnershipRecord, 'partnershipId' | 'hostWorkspaceId' | 'guestWorkspaceId'>): SharingState {
  if (!item) return emptyState(p);
  return {
    partnershipId: p.partnershipId,
    hostWorkspaceId: p.hostWorkspaceId,
    guestWorkspaceId: p.guestWorkspaceId,
    seq: typeof item.seq === 'number' ? item.seq : 0,
    shareCounts: item.shareCounts ?? {},
    memberJoinedAt: item.memberJoinedAt ?? {},
    removedMembers: item.removedMembers ?? {},
    revokedAt: item.revokedAt,
    revokedBy: item.revokedBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function toSharedAccount(item: Item | undefined): SharedAccountRecord | undefined {
  if (!item) return undefined;
  const { partnershipId, accountId, accountName, hostWorkspaceId, guestWorkspaceId, members, createdAt, updatedAt } = item;
  return { partnershipId, accountId, accountName, hostWorkspaceId, guestWorkspaceId, members: members ?? {}, createdAt, updatedAt };
}

export function toAccount(item: Item | undefined): AccountRecord | undefined {
  if (!item) return undefined;
  const { accountId, workspaceId, name, loginUrl, createdBy, createdAt, sharedThrough } = item;
  return { accountId, workspaceId, name, loginUrl: loginUrl ?? null, createdBy, createdAt, sharedThrough: sharedThrough ?? {} };
}

export function toAccessRequest(item: Item | undefined): AccessRequestRecord | undefined {
  if (!item) return undefined;
  const { accessRequestId, partnershipId, accountId, accountName, userId, email, role, status, requestedBy, requesterEmail, decision, createdAt, updatedAt } = item;
  return { accessRequestId, partnershipId, accountId, accountName, userId, email, role, status, requestedBy, requesterEmail, decision, createdAt, updatedAt };
}

// ---- views ----------------------------------------------------------------------------------------------

export const accountView = (a: AccountRecord) => ({
  accountId: a.accountId,
  workspaceId: a.workspaceId,
  name: a.name,
  loginUrl: a.loginUrl,
  createdBy: a.createdBy,
  createdAt: a.createdAt,
});

export const shareView = (share: Pick<SharedAccountRecord, 'partnershipId' | 'accountId' | 'accountName' | 'createdAt' | 'updatedAt'>, members: SharedAccountRecord['members'][string][]) => ({
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

// ---- items ------------------------------------------------------------------------------------------------

/** A condition of the transaction failed: reload and decide again (the use case's retry loop). */
export class SharingConflict extends DomainError {
  constructor() {
    super('conflict', 'concurrent_update', 'The sharing of this partnership changed while we were working on it; retry.');
  }
}

/**
 * One TransactWriteItems. A failed condition, or a conflict with another transaction on the same item
 * (TransactionConflict, under contention), is a SharingConflict: the use case reloads and decides again.
 */
export async function transactSharing(items: TransactItem[]): Promise<void> {
  try {
    await transact(items, () => new SharingConflict());
  } catch (error) {
    if (error instanceof TransactionConflict) throw new SharingConflict();
    throw error;
  }
}

/** Before deciding again after a lost race: a short, jittered pause (so contenders spread out). */
export const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * attempt));

/** Activity scopes of a sharing change: the partnership and both workspaces (the guest sees it from acceptance on). */
export const sharingScopes = (p: Pick<PartnershipRecord, 'partnershipId' | 'hostWorkspaceId' | 'guestWorkspaceId'>): ActivityScope[] => [
  { kind: 'partnership', id: p.partnershipId },
  { kind: 'workspace', id: p.hostWorkspaceId },
  { kind: 'workspace', id: p.guestWorkspaceId },
];

/**
 * The sharing state, written whole, conditioned on the sequence number read (or on its absence). It
 * carries the partnership summary and, while something is shared, the gsi1 keys of the plain guest
 * members' list (which filters on `memberJoinedAt`: the members with a live share, and their membership).
 */
export function stateWrite(prev: SharingState, next: SharingState, record: PartnershipRecord): TransactItem {
  const sharesSomething = Object.keys(next.shareCounts).length > 0;
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.sharingState(record.partnershipId),
        type: ENTITY.sharingState,
        partnershipId: record.partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        seq: next.seq,
        shareCounts: next.shareCounts,
        memberJoinedAt: next.memberJoinedAt,
        removedMembers: next.removedMembers,
        summary: partnershipSummary(record),
        createdAt: next.createdAt ?? next.updatedAt,
        updatedAt: next.updatedAt,
        ...(sharesSomething ? keys.sharingGuestIndex(record.guestWorkspaceId, record.createdAt, record.partnershipId) : {}),
      },
      ConditionExpression: prev.seq === 0 ? 'attribute_not_exists(pk)' : '#seq = :seen AND attribute_not_exists(revokedAt)',
      ...(prev.seq === 0 ? {} : { ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':seen': prev.seq } }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * DELETE /partnerships/{id} of an active partnership: the revoked marker, in the removal's own
 * transaction. One item whatever the number of shares; the partnership leaves the guest members'
 * lists (gsi1 keys removed) and its sequence number moves, so a sharing write in flight fails.
 */
export function revocationItem(record: PartnershipRecord, actorId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.sharingState(record.partnershipId),
      UpdateExpression:
        'SET #type = :type, partnershipId = :pid, hostWorkspaceId = :host, guestWorkspaceId = :guest, revokedAt = :at, revokedBy = :by, ' +
        '#seq = if_not_exists(#seq, :zero) + :one, updatedAt = :at REMOVE #gpk, #gsk',
      ExpressionAttributeNames: { '#type': 'type', '#seq': 'seq', '#gpk': TABLE.indexes.byOwner.partitionKey, '#gsk': TABLE.indexes.byOwner.sortKey },
      ExpressionAttributeValues: {
        ':type': ENTITY.sharingState,
        ':pid': record.partnershipId,
        ':host': record.hostWorkspaceId,
        ':guest': record.guestWorkspaceId,
        ':at': at,
        ':by': actorId,
        ':zero': 0,
        ':one': 1,
      },
    },
  };
}

export function shareItem(share: SharedAccountRecord): TransactItem {
  return put({ ...keys.share(share.partnershipId, share.accountId), type: ENTITY.share, ...share });
}

export function shareDelete(partnershipId: string, accountId: string): TransactItem {
  return { Delete: { TableName: tableName(), Key: keys.share(partnershipId, accountId) } };
}

/** The account points at the partnership it is shared through with a guest workspace (login finds the share by it). */
export function accountPointer(accountId: string, guestWorkspaceId: string, partnershipId: string | undefined): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.account(accountId),
      UpdateExpression: partnershipId ? 'SET sharedThrough.#guest = :pid' : 'REMOVE sharedThrough.#guest',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#guest': guestWorkspaceId },
      ...(partnershipId ? { ExpressionAttributeValues: { ':pid': partnershipId } } : {}),
    },
  };
}

export function partnershipIsActive(partnershipId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.partnership(partnershipId),
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'active' },
    },
  };
}

/** The user still has the membership (workspace, role, joinedAt) the decision was based on. */
export function membershipUnchanged(user: Pick<UserRecord, 'userId' | 'workspaceId' | 'role' | 'joinedAt'>): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.user(user.userId),
      ConditionExpression: 'workspaceId = :ws AND #role = :role AND joinedAt = :joined',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':ws': user.workspaceId ?? '-', ':role': user.role ?? '-', ':joined': user.joinedAt ?? '-' },
    },
  };
}

/** The member entry a login or an access request relies on is still there and still live. */
export function liveEntryChecks(partnershipId: string, accountId: string, userId: string, seq: number, role?: string): TransactItem[] {
  return [
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.share(partnershipId, accountId),
        ConditionExpression: role ? 'members.#u.#seq = :seq AND members.#u.#role = :role' : 'members.#u.#seq = :seq',
        ExpressionAttributeNames: { '#u': userId, '#seq': 'seq', ...(role ? { '#role': 'role' } : {}) },
        ExpressionAttributeValues: { ':seq': seq, ...(role ? { ':role': role } : {}) },
      },
    },
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.sharingState(partnershipId),
        ConditionExpression: 'attribute_not_exists(revokedAt) AND (attribute_not_exists(removedMembers.#u) OR removedMembers.#u < :seq)',
        ExpressionAttributeNames: { '#u': userId },
        ExpressionAttributeValues: { ':seq': seq },
      },
    },
  ];
}

/** The summary a plain guest member's list shows, from a sharing state item. */
export const summaryOfState = (item: Item): PartnershipSummary => partnershipSummary(item.summary as PartnershipRecord);

