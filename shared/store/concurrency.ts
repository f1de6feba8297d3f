/**
 * Optimistic concurrency, one way everywhere. Items that several requests may change at once carry a
 * `version` number; a write is conditioned on the version it read and increments it. When any
 * condition of a use case's transaction fails (or DynamoDB cancels it for a concurrent transaction),
 * the transaction throws a ConcurrentChange; `optimistic` then forgets what the request read, waits a
 * little, and runs the use case's attempt again on fresh data: the loser of a race gets the answer a
 * retry would get (409 invalid_state, 403 after a demotion...), and a bounded number of losses ends in
 * a 409 concurrent_update.
 */
import { eq, increment, type Condition } from './expressions';
import { ConcurrentChange } from './transaction';

export const MAX_ATTEMPTS = 4;

/**
 * The version condition and its increment, for a record read at version `seen`. `attribute` names
 * the version attribute of an item that has another name for it (the sharing state's `seq`, which is
 * also the sequence number its grants remember).
 */
export const versionIs = (seen: number, attribute = 'version'): Condition => eq(attribute, seen);
export const nextVersion = () => increment(1);

export interface Rereadable {
  /** Forgets what was read, so the next attempt reads again. */
  clear(): void;
}

export async function optimistic<T>(
  reads: Rereadable,
  attempt: (attemptNumber: number) => Promise<T>,
  attempts = MAX_ATTEMPTS,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof ConcurrentChange) || n >= attempts) throw error;
      reads.clear();
      // Jittered backoff: two racing requests should not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, 5 * n + Math.floor(Math.random() * 10 * n)));
    }
  }
}
