/**
 * Member departures (SPEC §10, owner succession): when a member leaves or is removed from a workspace,
 * the membership change's own transaction takes them off a bounded number of the partnerships they own
 * and withdraws a bounded number of their pending partner invitations. When there may be more, the
 * same transaction writes a departure item on the due index (due at once); the scheduled job finishes
 * the work in bounded batches and deletes it (shared/features/workspaces/departure.ts).
 *
 * Access patterns:
 *   departure of a member      GetItem          WS#<ws> / DEPARTURE#<userId>
 *   due for the job            gsi2 (sparse)    DUE / <dueAt>#MEMBER_DEPARTURE#<ws>.<userId>   (store/due.ts reads it)
 */
import * as z from 'zod/mini';
import { defineEntity } from './entity';
import { eq } from './expressions';
import { ENTITY, keys } from './keys';
import type { Loader } from './loader';
import type { Transaction } from './transaction';

export const DEPARTURE_CONDITIONS = {
  /** The departure is still the one the job read (a later departure of the same member replaced it). */
  departureIs: 'departure.is',
} as const;

const departureEntity = defineEntity(
  ENTITY.memberDeparture,
  z.object({
    workspaceId: z.string(),
    userId: z.string(),
    email: z.string(),
    departedAt: z.string(),
    batches: z.number(),
    /** Where each list resumes (absent: from its start; null: done). */
    ownedCursor: z.optional(z.nullable(z.string())),
    invitationsCursor: z.optional(z.nullable(z.string())),
  }),
);
export type MemberDeparture = ReturnType<typeof departureEntity.parse>;

export class DeparturesRepository {
  constructor(private readonly loader: Loader) {}

  async get(workspaceId: string, userId: string): Promise<MemberDeparture | undefined> {
    return departureEntity.parseOptional(await this.loader.load(keys.memberDeparture(workspaceId, userId)));
  }

  /** Records a departure the job must finish, due at `dueAt` (a later one of the same member replaces it). */
  put(tx: Transaction, departure: MemberDeparture, dueAt: string): void {
    tx.put(
      departureEntity.item(
        keys.memberDeparture(departure.workspaceId, departure.userId),
        departure,
        keys.memberDepartureDue(dueAt, departure.workspaceId, departure.userId),
      ),
    );
  }

  /** The job ran one more batch of it: due again at `dueAt` (if it is still the departure read). */
  postpone(tx: Transaction, departure: MemberDeparture, dueAt: string): void {
    this.putIfSame(tx, { ...departure, batches: departure.batches + 1 }, departure.departedAt, dueAt);
  }

  /** The job finished it (if it is still the departure read). */
  finish(tx: Transaction, departure: MemberDeparture): void {
    tx.delete(keys.memberDeparture(departure.workspaceId, departure.userId), {
      condition: eq('departedAt', departure.departedAt),
      name: DEPARTURE_CONDITIONS.departureIs,
    });
  }

  private putIfSame(tx: Transaction, departure: MemberDeparture, departedAt: string, dueAt: string): void {
    tx.put(
      departureEntity.item(
        keys.memberDeparture(departure.workspaceId, departure.userId),
        departure,
        keys.memberDepartureDue(dueAt, departure.workspaceId, departure.userId),
      ),
      { condition: eq('departedAt', departedAt), name: DEPARTURE_CONDITIONS.departureIs },
    );
  }
}
