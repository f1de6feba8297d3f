/**
 * Host-guest partnerships (SPEC §5): the partnership record (the record of truth of what was decided,
 * with its workflow bookkeeping and a `version`), its list entries, the pair guard (one non-terminal
 * partnership per host and guest) and its due attributes (gsi2, read by the scheduled job).
 *
 * Access patterns:
 *   partnership by id              GetItem (batched)   PS#<id> / PARTNERSHIP
 *   host's partnerships            Query gsi1          WS#<host>#PS#HOST / <createdAt>#<id>       (the partnership item)
 *   guest's partnerships           Query gsi1          WS#<guest>#PS#GUEST / <createdAt>#<id>     (PS#<id> / LISTING#GUEST)
 *   partnerships a member owns     Query gsi1          WS#<host>#PS#OWNER#<userId> / <createdAt>#<id> (PS#<id> / LISTING#OWNER#<userId>)
 *   one open partnership per pair  item guard          PSGUARD#<host>#<guest> / PSGUARD
 *   due for the job                gsi2 (sparse)       DUE / <dueAt>#PARTNERSHIP#<id>              (store/due.ts reads it)
 *   open ones a member owns        Query gsi1 + filter WS#<host>#PS#HOST, ownerIds contains <userId> (owner succession)
 * Lists are newest first and carry a summary copy, so a list is one Query. The partnership item also
 * carries `ownerIds` (the owners' user ids), so a departing member's open partnerships are found
 * with their records in one Query of the host's list (owner succession, SPEC §10).
 */
import * as z from 'zod/mini';
import { isTerminal, nextDueAt, PARTNERSHIP_STATUSES, type PartnershipRecord, type PartnershipStatus } from '../domain/partnership';
import type { WaitStage } from '../domain/partnership';
import { nextVersion, versionIs } from './concurrency';
import { defineEntity } from './entity';
import { and, contains, eq, exists, isIn, itemIsNew, keyCondition, lte, notExists, or, type Condition } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import { mapPage, queryPage, type Page, type PageRequest } from './query';
import { TABLE } from './table';
import type { Transaction } from './transaction';

/** Condition names of this repository's transaction items. */
export const PARTNERSHIP_CONDITIONS = {
  /** A new partnership's id is free. */
  isNew: 'partnership.is_new',
  /** No other pending or active partnership of the host-guest pair. */
  pairFree: 'partnership.pair_free',
  /** The pair guard still belongs to the partnership that ends. */
  guardOwned: 'partnership.guard_owned',
  /** The partnership is still the version that was read. */
  unchanged: 'partnership.unchanged',
  /** The status is still the one the stage's wait task waits on (task token registration). */
  awaitsStage: 'partnership.awaits_stage',
  /** Same status and no manual reminder within the last 24 h. */
  reminderAllowed: 'partnership.reminder_allowed',
  /** The pending resume is still the one that was delivered (or postponed). */
  resumeIs: 'partnership.resume_is',
  /** The partnership is active (sharing writes and logins rely on it). */
  isActive: 'partnership.is_active',
} as const;

// ---- entities --------------------------------------------------------------------------------------

const STAGES = ['host_approval', 'guest_acceptance', 'resend', 'round', 'recertification'] as const satisfies readonly WaitStage[];
const decisionSchema = z.object({ by: z.string(), at: z.string(), reason: z.optional(z.string()), auto: z.optional(z.boolean()) });
const confirmationSchema = z.object({ by: z.string(), at: z.string() });
const termSchema = z.object({ startedAt: z.string(), endsAt: z.string(), days: z.number() });
const recertificationSchema = z.object({
  opensAt: z.string(),
  dueAt: z.string(),
  openedAt: z.string(),
  host: z.optional(confirmationSchema),
  guest: z.optional(confirmationSchema),
  nextReminderAt: z.optional(z.string()),
  remindersSent: z.number(),
});
const OPEN_STATUSES = PARTNERSHIP_STATUSES.filter((s) => !isTerminal(s));

const partnershipEntity = defineEntity(
  ENTITY.partnership,
  z.object({
    partnershipId: z.string(),
    hostWorkspaceId: z.string(),
    hostName: z.string(),
    guestWorkspaceId: z.string(),
    guestName: z.string(),
    partnerEmail: z.string(),
    reason: z.nullable(z.string()),
    requesterId: z.string(),
    requesterEmail: z.string(),
    owners: z.array(z.object({ userId: z.string(), email: z.string(), addedAt: z.string(), addedBy: z.string() })),
    status: z.enum(PARTNERSHIP_STATUSES),
    guestVisible: z.boolean(),
    hostDecision: z.optional(decisionSchema),
    guestDecision: z.optional(decisionSchema),
    closed: z.optional(decisionSchema),
    resendCount: z.number(),
    termDays: z.optional(z.number()),
    term: z.optional(termSchema),
    recertification: z.optional(recertificationSchema),
    stageEnteredAt: z.optional(z.string()),
    expiresAt: z.optional(z.string()),
    nextReminderAt: z.optional(z.string()),
    remindersSent: z.number(),
    lastReminderAt: z.optional(z.string()),
    taskToken: z.optional(z.string()),
    taskStage: z.optional(z.enum(STAGES)),
    tokenRegisteredAt: z.optional(z.string()),
    tokenExpectedSince: z.optional(z.string()),
    resume: z.optional(
      z.object({ token: z.string(), stage: z.enum(STAGES), outcome: z.string(), attempts: z.number(), retryAt: z.string() }),
    ),
    executionName: z.string(),
    executionRestarts: z.number(),
    executionStartedAt: z.optional(z.string()),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

const summarySchema = z.object({
  partnershipId: z.string(),
  hostWorkspaceId: z.string(),
  hostName: z.string(),
  guestWorkspaceId: z.string(),
  guestName: z.string(),
  partnerEmail: z.string(),
  status: z.enum(PARTNERSHIP_STATUSES),
  requesterId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** What a list shows (list entries carry this copy, so a list is one Query). */
export type PartnershipSummary = z.output<typeof summarySchema>;
const SUMMARY_FIELDS = Object.keys(summarySchema.shape) as Array<keyof PartnershipSummary>;

export function partnershipSummary(record: PartnershipSummary): PartnershipSummary {
  return {
    partnershipId: record.partnershipId,
    hostWorkspaceId: record.hostWorkspaceId,
    hostName: record.hostName,
    guestWorkspaceId: record.guestWorkspaceId,
    guestName: record.guestName,
    partnerEmail: record.partnerEmail,
    status: record.status,
    requesterId: record.requesterId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
/** A summary as stored in another item (the sharing state keeps one for the guest members' list). */
export const parseSummary = (value: unknown): PartnershipSummary => summarySchema.parse(value);

const listingEntity = defineEntity(
  ENTITY.partnershipListing,
  z.extend(summarySchema, { listing: z.enum(['guest', 'owner']), ownerId: z.optional(z.string()) }),
);
const guardEntity = defineEntity(ENTITY.partnershipGuard, z.object({ partnershipId: z.string(), createdAt: z.string() }));

/** The partnership's current record and where the due index has it (what the job compares). */
export interface PartnershipWithDue {
  record: PartnershipRecord;
  /** gsi2 sort key the item carries, if any. */
  dueKey: string | undefined;
}

const due = TABLE.indexes.due;
const byOwner = TABLE.indexes.byOwner;
/** The owners' user ids on the partnership item (a list the succession Query filters on). */
const OWNER_IDS = 'ownerIds';

/** The due attributes (gsi2) of a record: its next due time, or none (removed). */
function dueAttributes(record: PartnershipRecord): Record<string, string | undefined> {
  const at = nextDueAt(record);
  return at ? keys.partnershipDue(at, record.partnershipId) : { [due.partitionKey]: undefined, [due.sortKey]: undefined };
}

/** The due sort key a record should carry (undefined: off the index). */
export function wantedDueKey(record: PartnershipRecord): string | undefined {
  return dueAttributes(record)[due.sortKey];
}

// ---- the repository ---------------------------------------------------------------------------------

export class PartnershipsRepository {
  constructor(private readonly loader: Loader) {}

  // ---- reads

  async get(partnershipId: string): Promise<PartnershipRecord | undefined> {
    return partnershipEntity.parseOptional(await this.loader.load(keys.partnership(partnershipId)));
  }

  /** The record with the due key its item carries (the job moves the index when they disagree). */
  async getWithDue(partnershipId: string): Promise<PartnershipWithDue | undefined> {
    const item = await this.loader.load(keys.partnership(partnershipId));
    if (!item) return undefined;
    const dueKey = item[due.sortKey];
    return { record: partnershipEntity.parse(item), dueKey: typeof dueKey === 'string' ? dueKey : undefined };
  }

  /** Every partnership of the host, newest first. */
  hostPage(workspaceId: string, status: PartnershipStatus | undefined, page: PageRequest): Promise<Page<PartnershipSummary>> {
    return this.listPage(keys.partnershipsHostPartition(workspaceId), status, page);
  }

  /** The guest's partnerships from guest acceptance on, newest first. */
  guestPage(workspaceId: string, status: PartnershipStatus | undefined, page: PageRequest): Promise<Page<PartnershipSummary>> {
    return this.listPage(keys.partnershipsGuestPartition(workspaceId), status, page);
  }

  /** The host's partnerships a member owns, newest first. */
  ownedPage(
    workspaceId: string,
    userId: string,
    status: PartnershipStatus | undefined,
    page: PageRequest,
  ): Promise<Page<PartnershipSummary>> {
    return this.listPage(keys.partnershipsOwnerPartition(workspaceId, userId), status, page);
  }

  /**
   * Owner succession: the open (non-terminal) partnerships of the host that `userId` owns, with their
   * records: one Query of the host's list, filtered on `ownerIds` and the status (`limit` items read).
   * `more`: the list goes on (a later page may hold more of them).
   */
  async openOwnedBy(
    hostWorkspaceId: string,
    userId: string,
    page: PageRequest,
  ): Promise<{ records: PartnershipRecord[]; nextCursor: string | null }> {
    const partition = keys.partnershipsHostPartition(hostWorkspaceId);
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        filter: and(contains(OWNER_IDS, userId), isIn('status', OPEN_STATUSES)),
      },
      { ...page, scope: `${partition}|owned-by|${userId}` },
    );
    return { records: result.items.map((item) => partnershipEntity.parse(item)), nextCursor: result.nextCursor };
  }

  private async listPage(partition: string, status: PartnershipStatus | undefined, page: PageRequest): Promise<Page<PartnershipSummary>> {
    const result = await queryPage(
      {
        index: 'byOwner',
        keyCondition: keyCondition({ name: byOwner.partitionKey, value: partition }),
        filter: status ? eq('status', status) : undefined,
        projection: SUMMARY_FIELDS,
        newestFirst: true,
      },
      { ...page, scope: `${partition}|${status ?? '*'}`, viewer: this.loader.viewer },
    );
    return mapPage(result, (item) => summarySchema.parse(item));
  }

  // ---- writes

  /** A new partnership: its item, its list entries and the pair guard (PARTNERSHIP_CONDITIONS.pairFree). */
  create(tx: Transaction, record: PartnershipRecord): void {
    tx.put(this.item(record), { condition: itemIsNew(), name: PARTNERSHIP_CONDITIONS.isNew });
    this.putListings(tx, undefined, record);
    tx.put(
      guardEntity.item(keys.partnershipGuard(record.hostWorkspaceId, record.guestWorkspaceId), {
        partnershipId: record.partnershipId,
        createdAt: record.createdAt,
      }),
      { condition: itemIsNew(), name: PARTNERSHIP_CONDITIONS.pairFree },
    );
  }

  /**
   * A change of a partnership read at `prev` (`next` carries the next version): the item written whole
   * on condition of the version read, the list entries whose summary changed (or that are new), and the
   * pair guard released when the partnership becomes terminal.
   */
  change(tx: Transaction, prev: PartnershipRecord, next: PartnershipRecord): void {
    tx.put(this.item(next), { condition: versionIs(prev.version), name: PARTNERSHIP_CONDITIONS.unchanged });
    this.putListings(tx, prev, next);
    // An owner who stops being one (owner succession) leaves their list.
    for (const owner of prev.owners) {
      if (!next.owners.some((o) => o.userId === owner.userId)) tx.delete(keys.partnershipOwnerListing(next.partnershipId, owner.userId));
    }
    if (!isTerminal(prev.status) && isTerminal(next.status)) {
      tx.delete(keys.partnershipGuard(next.hostWorkspaceId, next.guestWorkspaceId), {
        condition: or(notExists('pk'), eq('partnershipId', next.partnershipId)),
        name: PARTNERSHIP_CONDITIONS.guardOwned,
      });
    }
  }

  /**
   * Stores the stage's task token while the partnership still waits in that stage
   * (PARTNERSHIP_CONDITIONS.awaitsStage): the stage's status for an approval stage; for the term
   * stages, an active partnership with a term whose round is not open (`round`) or open (`recertification`).
   */
  registerTaskToken(
    tx: Transaction,
    partnershipId: string,
    registration: { token: string; stage: WaitStage; waitsOn: PartnershipStatus; at: string },
  ): void {
    const inStage: Condition =
      registration.stage === 'round'
        ? and(eq('status', 'active'), exists('term'), notExists('recertification'))
        : registration.stage === 'recertification'
          ? and(eq('status', 'active'), exists('recertification'))
          : eq('status', registration.waitsOn);
    tx.update(
      keys.partnership(partnershipId),
      { set: { taskToken: registration.token, taskStage: registration.stage, tokenRegisteredAt: registration.at, version: nextVersion() } },
      { condition: inStage, name: PARTNERSHIP_CONDITIONS.awaitsStage },
    );
  }

  /**
   * Records a manual reminder: on condition that the status is still the one read and no reminder was
   * sent after `cutoff` (PARTNERSHIP_CONDITIONS.reminderAllowed).
   */
  markReminded(tx: Transaction, record: PartnershipRecord, at: string, cutoff: string): void {
    tx.update(
      keys.partnership(record.partnershipId),
      { set: { lastReminderAt: at, version: nextVersion() } },
      {
        condition: and(eq('status', record.status), or(notExists('lastReminderAt'), lte('lastReminderAt', cutoff))),
        name: PARTNERSHIP_CONDITIONS.reminderAllowed,
      },
    );
  }

  /** Removes a delivered resume (if it is still that one) and moves the due index. */
  clearResume(tx: Transaction, record: PartnershipRecord, token: string): void {
    tx.update(
      keys.partnership(record.partnershipId),
      { set: { resume: undefined, version: nextVersion(), ...dueAttributes({ ...record, resume: undefined }) } },
      { condition: eq(['resume', 'token'], token), name: PARTNERSHIP_CONDITIONS.resumeIs },
    );
  }

  /** Pushes a resume that could not be delivered to a later retry (if it is still that one). */
  postponeResume(tx: Transaction, record: PartnershipRecord, attempts: number, retryAt: string): void {
    const resume = record.resume;
    if (!resume) return;
    const next = { ...record, resume: { ...resume, attempts, retryAt } };
    tx.update(
      keys.partnership(record.partnershipId),
      {
        setPaths: [
          [['resume', 'attempts'], attempts],
          [['resume', 'retryAt'], retryAt],
        ],
        set: { version: nextVersion(), ...dueAttributes(next) },
      },
      { condition: eq(['resume', 'token'], resume.token), name: PARTNERSHIP_CONDITIONS.resumeIs },
    );
  }

  /** Moves the due index to the record's next due time (on condition of the version read). */
  syncDue(tx: Transaction, record: PartnershipRecord): void {
    tx.update(
      keys.partnership(record.partnershipId),
      { set: { version: nextVersion(), ...dueAttributes(record) } },
      { condition: versionIs(record.version), name: PARTNERSHIP_CONDITIONS.unchanged },
    );
  }

  /** The partnership is active when the transaction commits (PARTNERSHIP_CONDITIONS.isActive). */
  requireActive(tx: Transaction, partnershipId: string): void {
    tx.check(keys.partnership(partnershipId), eq('status', 'active'), PARTNERSHIP_CONDITIONS.isActive);
  }

  /** The item: the record, its host list entry (gsi1), its owners' ids and, while something is due, gsi2. */
  private item(record: PartnershipRecord) {
    const item = partnershipEntity.item(keys.partnership(record.partnershipId), record, {
      ...keys.partnershipListIndex(keys.partnershipsHostPartition(record.hostWorkspaceId), record.createdAt, record.partnershipId),
      ...dueAttributes(record),
    });
    item[OWNER_IDS] = record.owners.map((o) => o.userId);
    return item;
  }

  /** The guest list entry (once guest Owner/Admins may see it) and one per Partnership Owner, when new or changed. */
  private putListings(tx: Transaction, prev: PartnershipRecord | undefined, next: PartnershipRecord): void {
    const summary = partnershipSummary(next);
    const summaryChanged = !prev || JSON.stringify(partnershipSummary(prev)) !== JSON.stringify(summary);
    if (next.guestVisible && (summaryChanged || !prev.guestVisible)) {
      tx.put(
        listingEntity.item(
          keys.partnershipGuestListing(next.partnershipId),
          { ...summary, listing: 'guest' },
          keys.partnershipListIndex(keys.partnershipsGuestPartition(next.guestWorkspaceId), next.createdAt, next.partnershipId),
        ),
      );
    }
    for (const owner of next.owners) {
      const isNew = !prev?.owners.some((o) => o.userId === owner.userId);
      if (!summaryChanged && !isNew) continue;
      tx.put(
        listingEntity.item(
          keys.partnershipOwnerListing(next.partnershipId, owner.userId),
          { ...summary, listing: 'owner', ownerId: owner.userId },
          keys.partnershipListIndex(
            keys.partnershipsOwnerPartition(next.hostWorkspaceId, owner.userId),
            next.createdAt,
            next.partnershipId,
          ),
        ),
      );
    }
  }
}

/** The record of an item a failed condition returned (ALL_OLD), or undefined when there is none. */
export const partnershipFromItem = (item: Record<string, unknown> | undefined): PartnershipRecord | undefined =>
  partnershipEntity.parseOptional(item);
