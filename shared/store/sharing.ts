/**
 * Sharing accounts through a partnership (SPEC §6): accounts (host-workspace resources), the sharing
 * state of a partnership, its shares, access requests and login grants.
 *
 * The sharing state's version is `seq`: every sharing write of a partnership puts the state on
 * condition of the `seq` it read (SHARING_CONDITIONS.stateUnchanged) and takes the next one, which its
 * grants remember (shared/domain/sharing.ts explains how revocations stay bounded with it).
 *
 * Access patterns:
 *   account by id                   GetItem (batched)   WS#<ws>#ACCOUNTS / ACCOUNT#<accountId>  (the id carries its workspace)
 *   accounts of a workspace         Query               WS#<ws>#ACCOUNTS / ACCOUNT#...           (oldest first)
 *   sharing state of a partnership  GetItem (batched)   PS#<id> / SHARING
 *   partnerships sharing something  Query gsi1          WS#<guest>#PS#SHARING / <createdAt>#<id>  (filtered on the member's membership)
 *     with a guest member
 *   share of an account             GetItem (batched)   PS#<id> / SHARE#<accountId>
 *   shares of a partnership         Query               PS#<id> / SHARE#...                      (oldest account first)
 *   access request by id            GetItem (batched)   PS#<id> / AREQ#<requestId>               (the id carries its partnership)
 *   access requests of a partnership Query              PS#<id> / AREQ#...                       (newest first, status filter)
 *   login grant                     PutItem only        GRANT#<grantId> / LOGIN_GRANT            (TTL)
 */
import * as z from 'zod/mini';
import type { PartnershipRecord } from '../domain/partnership';
import {
  ACCESS_REQUEST_STATUSES,
  emptyState,
  SHARE_ROLES,
  type AccessRequestRecord,
  type AccessRequestStatus,
  type AccountRecord,
  type LoginVia,
  type Member,
  type SharedAccountRecord,
  type SharingState,
} from '../domain/sharing';
import { newId } from '../ids';
import { nextVersion, versionIs } from './concurrency';
import { defineEntity } from './entity';
import { and, eq, itemExists, itemIsNew, keyCondition, lt, notExists, or, prefixRange } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import { parseSummary, partnershipSummary, type PartnershipSummary } from './partnerships';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** Condition names of this repository's transaction items. */
export const SHARING_CONDITIONS = {
  accountIsNew: 'account.is_new',
  /** The account still exists (its pointer to the partnership it is shared through is set). */
  accountExists: 'account.exists',
  /** The sharing state is still the `seq` that was read and not revoked (or still absent). */
  stateUnchanged: 'sharing.state_unchanged',
  /** The member's entry a login or an access request relies on is still the one read (and its role). */
  entryUnchanged: 'sharing.entry_unchanged',
  /** The member's entry is still live: the partnership is not revoked and the member not removed since. */
  entryLive: 'sharing.entry_live',
  accessRequestIsNew: 'access_request.is_new',
  /** The access request is still pending. */
  accessRequestPending: 'access_request.pending',
  grantIsNew: 'login_grant.is_new',
} as const;

// ---- entities --------------------------------------------------------------------------------------

const accountEntity = defineEntity(
  ENTITY.account,
  z.object({
    accountId: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    loginUrl: z.nullable(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    sharedThrough: z.record(z.string(), z.string()),
  }),
);

const memberEntry = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.enum(SHARE_ROLES),
  seq: z.number(),
  joinedAt: z.nullable(z.string()),
  sharedAt: z.string(),
  sharedBy: z.string(),
  updatedAt: z.string(),
});

const shareEntity = defineEntity(
  ENTITY.share,
  z.object({
    partnershipId: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    hostWorkspaceId: z.string(),
    guestWorkspaceId: z.string(),
    members: z.record(z.string(), memberEntry),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

/** A revocation of a partnership that never shared anything creates the state with only its marker. */
const stateEntity = defineEntity(
  ENTITY.sharingState,
  z.object({
    partnershipId: z.string(),
    hostWorkspaceId: z.string(),
    guestWorkspaceId: z.string(),
    seq: z.number(),
    shareCounts: z.optional(z.record(z.string(), z.number())),
    memberJoinedAt: z.optional(z.record(z.string(), z.nullable(z.string()))),
    removedMembers: z.optional(z.record(z.string(), z.number())),
    summary: z.optional(z.unknown()),
    revokedAt: z.optional(z.string()),
    revokedBy: z.optional(z.string()),
    createdAt: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
  }),
);
/** The sharing state as stored; `sharingStateOf` completes it (nothing stored: nothing was ever shared). */
export type StoredSharingState = ReturnType<typeof stateEntity.parse>;

const accessRequestEntity = defineEntity(
  ENTITY.accessRequest,
  z.object({
    accessRequestId: z.string(),
    partnershipId: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    userId: z.string(),
    email: z.string(),
    role: z.literal('collaborator'),
    status: z.enum(ACCESS_REQUEST_STATUSES),
    requestedBy: z.string(),
    requesterEmail: z.string(),
    decision: z.optional(z.object({ by: z.string(), at: z.string(), reason: z.optional(z.string()) })),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export interface LoginGrant {
  grantId: string;
  accountId: string;
  userId: string;
  via: LoginVia;
  partnershipId?: string;
  createdAt: string;
  expiresAt: string;
}
const grantEntity = defineEntity(
  ENTITY.loginGrant,
  z.object({
    grantId: z.string(),
    accountId: z.string(),
    userId: z.string(),
    via: z.enum(['creator', 'host_admin', 'share']),
    partnershipId: z.optional(z.string()),
    createdAt: z.string(),
    expiresAt: z.string(),
  }),
);
/** A grant is kept a day after it expires, for support; DynamoDB TTL deletes it then. */
const GRANT_KEPT_S = 24 * 60 * 60;

/** The domain's sharing state of a partnership from what is stored (an empty one when nothing is). */
export function sharingStateOf(
  stored: StoredSharingState | undefined,
  p: Pick<PartnershipRecord, 'partnershipId' | 'hostWorkspaceId' | 'guestWorkspaceId'>,
): SharingState {
  if (!stored) return emptyState(p);
  return {
    partnershipId: p.partnershipId,
    hostWorkspaceId: p.hostWorkspaceId,
    guestWorkspaceId: p.guestWorkspaceId,
    seq: stored.seq,
    shareCounts: stored.shareCounts ?? {},
    memberJoinedAt: stored.memberJoinedAt ?? {},
    removedMembers: stored.removedMembers ?? {},
    revokedAt: stored.revokedAt,
    revokedBy: stored.revokedBy,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

const byOwner = TABLE.indexes.byOwner;
const sortKeyRange = (pk: string, prefix: string) => keyCondition({ name: 'pk', value: pk }, { name: 'sk', between: prefixRange(prefix) });

// ---- the repository ---------------------------------------------------------------------------------

export class SharingRepository {
  constructor(private readonly loader: Loader) {}

  // ---- ids: an account id carries its workspace, an access request id its partnership, so one
  // BatchGet by id also loads what the id belongs to.

  newAccountId(workspaceId: string, now: Date): string {
    return keys.scopedId(workspaceId, newId(now.getTime()));
  }

  /** The workspace an account id belongs to (undefined: not an account id). */
  workspaceOfAccount(accountId: string): string | undefined {
    return keys.scopeOf(accountId);
  }

  newAccessRequestId(partnershipId: string, now: Date): string {
    return keys.scopedId(partnershipId, newId(now.getTime()));
  }

  /** The partnership an access request id belongs to (undefined: not an access request id). */
  partnershipOfAccessRequest(accessRequestId: string): string | undefined {
    return keys.scopeOf(accessRequestId);
  }

  // ---- reads

  async account(accountId: string): Promise<AccountRecord | undefined> {
    return accountEntity.parseOptional(await this.loader.load(keys.account(accountId)));
  }

  /** Accounts of a workspace, oldest first. */
  async accountsPage(workspaceId: string, page: PageRequest): Promise<Page<AccountRecord>> {
    const pk = keys.accountsPartition(workspaceId);
    const result = await queryPage(
      { keyCondition: sortKeyRange(pk, keys.accountPrefix) },
      { ...page, scope: pk, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => accountEntity.parse(item));
  }

  async storedState(partnershipId: string): Promise<StoredSharingState | undefined> {
    return stateEntity.parseOptional(await this.loader.load(keys.sharingState(partnershipId)));
  }

  async share(partnershipId: string, accountId: string): Promise<SharedAccountRecord | undefined> {
    return shareEntity.parseOptional(await this.loader.load(keys.share(partnershipId, accountId)));
  }

  /** The partnership's shares, one per account, oldest account first. */
  async sharesPage(partnershipId: string, page: PageRequest): Promise<Page<SharedAccountRecord>> {
    const pk = keys.partnershipPartition(partnershipId);
    const result = await queryPage(
      { keyCondition: sortKeyRange(pk, keys.sharePrefix) },
      { ...page, scope: `${pk}#SHARES`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => shareEntity.parse(item));
  }

  async accessRequest(accessRequestId: string): Promise<AccessRequestRecord | undefined> {
    return accessRequestEntity.parseOptional(await this.loader.load(keys.accessRequest(accessRequestId)));
  }

  /** The partnership's access requests, newest first, optionally of one status. */
  async accessRequestsPage(
    partnershipId: string,
    status: AccessRequestStatus | undefined,
    page: PageRequest,
  ): Promise<Page<AccessRequestRecord>> {
    const pk = keys.partnershipPartition(partnershipId);
    const result = await queryPage(
      { keyCondition: sortKeyRange(pk, keys.accessRequestPrefix), filter: status ? eq('status', status) : undefined, newestFirst: true },
      { ...page, scope: `${pk}#AREQ|${status ?? '*'}`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => accessRequestEntity.parse(item));
  }

  /**
   * The guest workspace's partnerships that share something with this member in their current
   * membership (the states in the index share something; the filter keeps the member's membership),
   * newest first. Only the summary is read.
   */
  async sharedWithMemberPage(
    guestWorkspaceId: string,
    member: Member,
    page: PageRequest & { status?: string },
  ): Promise<Page<PartnershipSummary>> {
    const partition = keys.sharingGuestPartition(guestWorkspaceId);
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        filter: eq(['memberJoinedAt', member.userId], member.joinedAt ?? '-'),
        projection: ['summary'],
        newestFirst: true,
      },
      { limit: page.limit, cursor: page.cursor, scope: `${partition}|${member.userId}|${page.status ?? '*'}`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => partnershipSummary(parseSummary(item.summary)));
  }

  // ---- writes

  createAccount(tx: Transaction, account: AccountRecord): void {
    tx.put(accountEntity.item(keys.account(account.accountId), account), { condition: itemIsNew(), name: SHARING_CONDITIONS.accountIsNew });
  }

  /**
   * The sharing state, written whole on condition of the `seq` read (or of its absence). It carries the
   * partnership summary and, while something is shared, the gsi1 keys of the guest members' list.
   */
  writeState(tx: Transaction, prev: SharingState, next: SharingState, record: PartnershipRecord): void {
    const sharesSomething = Object.keys(next.shareCounts).length > 0;
    tx.put(
      stateEntity.item(
        keys.sharingState(record.partnershipId),
        {
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
        },
        sharesSomething ? keys.sharingGuestIndex(record.guestWorkspaceId, record.createdAt, record.partnershipId) : {},
      ),
      {
        condition: prev.seq === 0 ? itemIsNew() : and(versionIs(prev.seq, 'seq'), notExists('revokedAt')),
        name: SHARING_CONDITIONS.stateUnchanged,
      },
    );
  }

  /**
   * Every share of the partnership ends at once (its removal): the revoked marker on the sharing state,
   * one item whatever the number of shares. The partnership leaves the guest members' lists and the
   * state's `seq` moves, so a sharing write in flight fails.
   */
  revokeAll(tx: Transaction, record: PartnershipRecord, actorId: string, at: string): void {
    tx.update(keys.sharingState(record.partnershipId), {
      set: {
        type: ENTITY.sharingState,
        partnershipId: record.partnershipId,
        hostWorkspaceId: record.hostWorkspaceId,
        guestWorkspaceId: record.guestWorkspaceId,
        revokedAt: at,
        revokedBy: actorId,
        seq: nextVersion(),
        updatedAt: at,
        [byOwner.partitionKey]: undefined,
        [byOwner.sortKey]: undefined,
      },
    });
  }

  putShare(tx: Transaction, share: SharedAccountRecord): void {
    tx.put(shareEntity.item(keys.share(share.partnershipId, share.accountId), share));
  }

  deleteShare(tx: Transaction, partnershipId: string, accountId: string): void {
    tx.delete(keys.share(partnershipId, accountId));
  }

  /** The account points at the partnership it is shared through with a guest workspace (login finds the share by it); undefined removes it. */
  pointAccount(tx: Transaction, accountId: string, guestWorkspaceId: string, partnershipId: string | undefined): void {
    tx.update(
      keys.account(accountId),
      partnershipId
        ? { setPaths: [[['sharedThrough', guestWorkspaceId], partnershipId]] }
        : { remove: [['sharedThrough', guestWorkspaceId]] },
      { condition: itemExists(), name: SHARING_CONDITIONS.accountExists },
    );
  }

  /** The member's entry (granted with `seq`, and with `role` if given) is still there and still live. */
  requireLiveEntry(tx: Transaction, partnershipId: string, accountId: string, userId: string, seq: number, role?: string): void {
    tx.check(
      keys.share(partnershipId, accountId),
      and(eq(['members', userId, 'seq'], seq), role !== undefined && eq(['members', userId, 'role'], role)),
      SHARING_CONDITIONS.entryUnchanged,
    );
    tx.check(
      keys.sharingState(partnershipId),
      and(notExists('revokedAt'), or(notExists(['removedMembers', userId]), lt(['removedMembers', userId], seq))),
      SHARING_CONDITIONS.entryLive,
    );
  }

  createAccessRequest(tx: Transaction, request: AccessRequestRecord): void {
    tx.put(accessRequestEntity.item(keys.accessRequest(request.accessRequestId), request), {
      condition: itemIsNew(),
      name: SHARING_CONDITIONS.accessRequestIsNew,
    });
  }

  /** The decision of a request read pending (SHARING_CONDITIONS.accessRequestPending). */
  decideAccessRequest(tx: Transaction, decided: AccessRequestRecord, at: string): void {
    tx.update(
      keys.accessRequest(decided.accessRequestId),
      { set: { status: decided.status, decision: decided.decision, updatedAt: at } },
      { condition: eq('status', 'pending'), name: SHARING_CONDITIONS.accessRequestPending },
    );
  }

  createLoginGrant(tx: Transaction, grant: LoginGrant): void {
    const item = grantEntity.item(keys.loginGrant(grant.grantId), grant);
    item[TABLE.ttlAttribute] = Math.floor(Date.parse(grant.expiresAt) / 1000) + GRANT_KEPT_S;
    tx.put(item, { condition: itemIsNew(), name: SHARING_CONDITIONS.grantIsNew });
  }
}
