/**
 * A member leaves (or is removed from) a workspace (SPEC §10): they stop being a Partnership Owner of
 * the workspace's open partnerships, with the workspace Owner as successor where nobody else owns one,
 * and their pending team partner invitations are withdrawn.
 *
 * Bounded in the membership change's own transaction: its reads start beside the removal's (one Query
 * page of the host's partnerships filtered on the owner, one of the workspace's pending invitations
 * filtered on the inviter), and at most INLINE_PARTNERSHIPS partnerships and INLINE_INVITATIONS
 * invitations are changed with the membership. When there may be more (more matches, or the pages go
 * on), the transaction also records a departure on the due index, due at once; the scheduled job
 * finishes it in batches of the same size (`processDueDeparture`). Authorization never waits for it:
 * a Partnership Owner's rights require host membership, so they end with the membership change.
 */
import type { UseCaseContext } from '../../context';
import { early } from '../../context';
import { decideOwnerDeparture, type PartnershipRecord } from '../../domain/partnership';
import { notify } from '../../notify/notify';
import { ConcurrentChange } from '../../store';
import { appendActivity } from '../../store/activity';
import type { MemberDeparture } from '../../store/departures';
import type { StoredInvitation } from '../../store/team-partners';
import type { Transaction } from '../../store/transaction';
import type { StoredWorkspace } from '../../store/users';
import { notificationData, partnershipEventOf } from '../partnerships/changes';
import { recordEvent, subjects } from '../events/record';

/** Partnerships changed in one transaction (each: its item, two list entries, two activity entries, one notification, one event). */
export const INLINE_PARTNERSHIPS = 8;
/** Invitations withdrawn in one transaction (each: its item, its pending relation and its event). */
export const INLINE_INVITATIONS = 10;
/** Items one Query page reads (the filter keeps the departing member's). */
const PAGE_SIZE = 100;
/** Batches the job runs for one departure per run (the next run goes on). */
const JOB_BATCHES_PER_RUN = 10;

interface Found<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DepartureReads {
  owned: Promise<Found<PartnershipRecord>>;
  invitations: Promise<Found<StoredInvitation>>;
}

/** Starts a departure's two Queries (early: awaited once the membership change is authorized). */
export function readDeparture(
  ctx: UseCaseContext,
  workspaceId: string,
  userId: string,
  cursors: { owned?: string; invitations?: string } = {},
): DepartureReads {
  return {
    owned: early(
      ctx.store.partnerships
        .openOwnedBy(workspaceId, userId, { limit: PAGE_SIZE, cursor: cursors.owned })
        .then((r) => ({ items: r.records, nextCursor: r.nextCursor })),
    ),
    invitations: early(
      ctx.store.teamPartners
        .pendingInvitedBy(workspaceId, userId, { limit: PAGE_SIZE, cursor: cursors.invitations })
        .then((r) => ({ items: r.invitations, nextCursor: r.nextCursor })),
    ),
  };
}

export interface DepartureWork {
  /** Partnerships the member stopped owning in this batch. */
  partnerships: number;
  /** Of those, where the workspace Owner became an owner. */
  successions: number;
  invitationsWithdrawn: number;
  /** Where each list resumes next (undefined: from its start; null: done). */
  cursors: { owned: string | null | undefined; invitations: string | null | undefined };
  done: boolean;
}

/**
 * Where a list resumes: the same page while it still holds matches beyond this batch (undefined: the
 * list's start), else the next page (null: the list is done).
 */
function nextCursorOf<T>(found: Found<T>, matched: number, limit: number, current: string | null | undefined): string | null | undefined {
  if (matched > limit) return current;
  return found.nextCursor;
}

/**
 * Adds one bounded batch of the departure to `tx`: the member off at most INLINE_PARTNERSHIPS of the
 * open partnerships found (successor where none remains), at most INLINE_INVITATIONS of their pending
 * invitations withdrawn, with activity entries and the successors' notifications.
 */
export function writeDepartureBatch(
  ctx: UseCaseContext,
  tx: Transaction,
  input: {
    workspace: Pick<StoredWorkspace, 'workspaceId' | 'ownerId' | 'admins'>;
    departed: { userId: string; email: string; departedAt: string };
    owned: Found<PartnershipRecord>;
    invitations: Found<StoredInvitation>;
    cursors?: { owned?: string | null; invitations?: string | null };
  },
): DepartureWork {
  const { workspace, departed } = input;
  const at = ctx.at;
  const ownerEmail = workspace.admins[workspace.ownerId];
  const successor = ownerEmail ? { userId: workspace.ownerId, email: ownerEmail } : undefined;

  const changes = input.owned.items.flatMap((p) => {
    const decided = decideOwnerDeparture(p, departed, successor, ctx.now);
    return decided ? [{ prev: p, ...decided }] : [];
  });
  const batch = changes.slice(0, INLINE_PARTNERSHIPS);
  for (const { prev, record, successor: added } of batch) {
    ctx.store.partnerships.change(tx, prev, record);
    appendActivity(
      tx,
      [
        { kind: 'partnership', id: record.partnershipId },
        { kind: 'workspace', id: record.hostWorkspaceId },
      ],
      {
        actorId: ctx.actorId,
        action: 'partnership.owner_removed',
        target: { type: 'partnership', id: record.partnershipId },
        data: { userId: departed.userId, reason: 'left_workspace', ...(added ? { successorId: added.userId } : {}) },
        at,
      },
    );
    recordEvent(ctx, tx, 'partnership.owner_removed.v1', {
      ...partnershipEventOf(prev, record),
      data: { ...partnershipEventOf(prev, record).data, userId: departed.userId, successorId: added?.userId ?? null },
    });
    if (added) {
      notify(tx, {
        template: 'partnership.owner_succession',
        to: [added.email],
        data: notificationData(record, { previousOwnerId: departed.userId, previousOwnerEmail: departed.email }),
        at,
      });
    }
  }

  const withdrawable = input.invitations.items.filter(
    (inv) => inv.status === 'pending' && inv.invitedBy === departed.userId && inv.createdAt <= departed.departedAt,
  );
  const withdrawn = withdrawable.slice(0, INLINE_INVITATIONS);
  for (const inv of withdrawn) {
    ctx.store.teamPartners.close(tx, inv, 'withdrawn', at);
    recordEvent(ctx, tx, 'team_partner.invitation_withdrawn.v1', {
      subject: subjects.invitation(inv.invitationId),
      data: { workspaceId: inv.workspaceId, teamId: inv.teamId, invitationId: inv.invitationId, userId: inv.userId, byDeparture: true },
      audience: [inv.workspaceId],
    });
  }
  if (withdrawn.length > 0) {
    appendActivity(tx, [{ kind: 'workspace', id: workspace.workspaceId }], {
      actorId: ctx.actorId,
      action: 'team_partner.withdrawn',
      target: { type: 'user', id: departed.userId },
      data: {
        reason: 'inviter_left',
        invitations: withdrawn.map((i) => ({ invitationId: i.invitationId, teamId: i.teamId, userId: i.userId, email: i.email })),
      },
      at,
    });
  }

  const cursors = {
    owned: nextCursorOf(input.owned, changes.length, INLINE_PARTNERSHIPS, input.cursors?.owned),
    invitations: nextCursorOf(input.invitations, withdrawable.length, INLINE_INVITATIONS, input.cursors?.invitations),
  };
  return {
    partnerships: batch.length,
    successions: batch.filter((c) => c.successor).length,
    invitationsWithdrawn: withdrawn.length,
    cursors,
    done:
      changes.length <= INLINE_PARTNERSHIPS &&
      withdrawable.length <= INLINE_INVITATIONS &&
      cursors.owned === null &&
      cursors.invitations === null,
  };
}

/** The departure the job finishes, when the membership change's batch did not cover everything. */
export function recordRemainingDeparture(ctx: UseCaseContext, tx: Transaction, departure: Omit<MemberDeparture, 'batches'>): void {
  ctx.store.departures.put(tx, { ...departure, batches: 1 }, ctx.at);
}

// ---- the scheduled job -----------------------------------------------------------------------------------

/**
 * The job's processor of a due departure: batches like the membership change's (each its own
 * transaction, conditioned on the partnerships' versions and the departure read), until done (the
 * departure is deleted) or JOB_BATCHES_PER_RUN (it stays due: the next run goes on).
 */
export async function processDueDeparture(
  ctx: UseCaseContext,
  due: { workspaceId: string; userId: string },
): Promise<'departures' | 'skipped'> {
  let worked = false;
  for (let batch = 0; batch < JOB_BATCHES_PER_RUN; batch++) {
    ctx.store.clear();
    const departure = await ctx.store.departures.get(due.workspaceId, due.userId);
    if (!departure) return worked ? 'departures' : 'skipped';
    const reads = readDeparture(ctx, departure.workspaceId, departure.userId, {
      owned: departure.ownedCursor ?? undefined,
      invitations: departure.invitationsCursor ?? undefined,
    });
    const [workspace, owned, invitations] = await Promise.all([
      ctx.store.users.workspace(departure.workspaceId),
      departure.ownedCursor === null ? { items: [], nextCursor: null } : reads.owned,
      departure.invitationsCursor === null ? { items: [], nextCursor: null } : reads.invitations,
    ]);
    const tx = ctx.store.transaction();
    if (!workspace) {
      ctx.store.departures.finish(tx, departure);
      await commitOrSkip(tx);
      return 'skipped';
    }
    const work = writeDepartureBatch(ctx, tx, {
      workspace,
      departed: departure,
      owned,
      invitations,
      cursors: { owned: departure.ownedCursor, invitations: departure.invitationsCursor },
    });
    if (work.done) ctx.store.departures.finish(tx, departure);
    else
      ctx.store.departures.postpone(
        tx,
        { ...departure, ownedCursor: work.cursors.owned, invitationsCursor: work.cursors.invitations },
        ctx.at,
      );
    if (!(await commitOrSkip(tx))) return worked ? 'departures' : 'skipped';
    worked = true;
    if (work.done) return 'departures';
  }
  return 'departures';
}

/** Commits; false when something changed meanwhile (the next run decides again on fresh reads). */
async function commitOrSkip(tx: Transaction): Promise<boolean> {
  try {
    await tx.commit();
    return true;
  } catch (error) {
    if (error instanceof ConcurrentChange) return false;
    throw error;
  }
}
