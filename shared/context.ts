/**
 * What a use case runs with: who acts, the clock, and the store (repositories over a per-request
 * loader). The HTTP wrapper, the workflow tasks and the scheduled job each make one and call the same
 * use cases with it; no use case sees an HTTP request.
 *
 * `me()` is the caller's user record, read through the loader, so it goes out in the same BatchGetItem
 * as whatever else the use case asks for in that turn. It is also the registration check (403
 * not_registered), and a write is refused until it has succeeded: a use case cannot change anything
 * for a caller it has not verified.
 */
import { notRegistered } from './errors';
import { newId } from './ids';
import { Store } from './store';
import type { StoredUser } from './store/users';

export interface Caller {
  userId: string;
  email: string;
}

/** The actor id of what the service does by itself (activity entries of the job and the workflow). */
export type SystemActor = `system:${string}`;

export class UseCaseContext {
  readonly store: Store;
  private verified: boolean;

  private constructor(
    /** The calling user; undefined for the service acting by itself. */
    private readonly callerIdentity: Caller | undefined,
    readonly now: Date,
    /**
     * SPEC §1: the id that follows this request (or job run, or workflow task) into its log lines,
     * workflow executions, notifications, events and webhook deliveries.
     */
    readonly correlationId: string,
    private readonly systemActor?: SystemActor,
  ) {
    this.verified = callerIdentity === undefined;
    this.store = new Store(
      () => {
        if (!this.verified) throw new Error('a use case tried to write before verifying its caller with ctx.me()');
      },
      callerIdentity?.userId ?? systemActor ?? 'system',
      correlationId,
    );
  }

  /** A user's request (the HTTP API). */
  static forCaller(caller: Caller, now: Date = new Date(), correlationId: string = newCorrelationId()): UseCaseContext {
    return new UseCaseContext(caller, now, correlationId);
  }

  /** The service acting by itself (the scheduled job, the workflow tasks). */
  static forSystem(actor: SystemActor, now: Date = new Date(), correlationId: string = newCorrelationId()): UseCaseContext {
    return new UseCaseContext(undefined, now, correlationId, actor);
  }

  /** The calling user (throws for the system context: a use case that needs a caller was called without one). */
  get caller(): Caller {
    if (!this.callerIdentity) throw new Error(`${this.systemActor ?? 'system'} has no calling user`);
    return this.callerIdentity;
  }

  get isSystem(): boolean {
    return this.callerIdentity === undefined;
  }

  /** Who the activity log names: the caller's id, or the system actor. */
  get actorId(): string {
    return this.callerIdentity?.userId ?? this.systemActor ?? 'system';
  }

  /** The clock as an ISO string (what records store). */
  get at(): string {
    return this.now.toISOString();
  }

  /** The caller's user record (batched with the other reads of this turn); 403 not_registered without one. */
  async me(): Promise<StoredUser> {
    const user = await this.store.users.get(this.caller.userId);
    if (!user) throw notRegistered();
    this.verified = true;
    return user;
  }

  /**
   * The caller's user record, or undefined when they have not registered: for PUT /me, the one use case
   * an authenticated but unregistered caller may run.
   */
  async meIfRegistered(): Promise<StoredUser | undefined> {
    const user = await this.store.users.get(this.caller.userId);
    this.verified = true;
    return user;
  }

  /** Whether `me()` has succeeded (or there is no caller to verify). */
  get callerVerified(): boolean {
    return this.verified;
  }
}

/** A caller's own `x-correlation-id` is kept when it is 1..128 of these characters (SPEC §1). */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A new correlation id, for a request that brought none (or an unusable one) and for work the service starts itself. */
export function newCorrelationId(): string {
  return newId();
}

/**
 * Starts a read now, to be awaited later (e.g. a list's Query beside the authorization reads): its
 * failure surfaces only where it is awaited, so a refused request ends with its 404/403, never with
 * (nor showing) what the early read found.
 */
export function early<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}
