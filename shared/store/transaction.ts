/**
 * One TransactWriteItems, built item by item. Every condition has a name, given where the item is
 * built (repositories export them as constants), so a cancelled transaction maps to a domain error by
 * the name of the condition that failed, never by its position in the list:
 *
 *   const tx = store.transaction();
 *   users.joinWorkspace(tx, member, workspace, role, at);          // condition USER_CONDITIONS.canJoin
 *   users.requireRole(tx, actorId, workspaceId, ['owner', 'admin']); // condition USER_CONDITIONS.hasRole
 *   await tx.commit({ [USER_CONDITIONS.canJoin]: (current) => ... });
 *
 * A failed condition without a handler, and a conflict with a concurrent transaction, are a
 * ConcurrentChange: the data changed since it was read. Inside `optimistic()` (concurrency.ts) the use
 * case then reads again and decides again, so the caller gets the answer a retry would get; outside it
 * is a 409 concurrent_update.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DomainError } from '../errors';
import { db, tableName, type Item } from './client';
import { compile, type Condition, type Update } from './expressions';
import type { Key } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What the data looked like when the named condition failed (the item, if it exists). */
export type FailureHandler = (current: Item | undefined) => Error;
export type FailureHandlers = Partial<Record<string, FailureHandler>>;

/** The data changed since it was read (or a concurrent transaction held it): read again and decide again. */
export class ConcurrentChange extends DomainError {
  constructor(readonly condition?: string) {
    super('conflict', 'concurrent_update', 'Another request changed the same data at the same time; retry.');
    this.name = 'ConcurrentChange';
  }
}

/** DynamoDB's limit on the items of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

interface Options {
  condition?: Condition;
  /** Required with a condition: what the condition checks, e.g. "user.can_join". */
  name?: string;
}

const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

export class Transaction {
  private readonly items: TransactItem[] = [];
  private readonly conditionNames: Array<string | undefined> = [];
  private readonly keys = new Set<string>();
  private readonly committed: Array<() => void> = [];

  /**
   * @param beforeCommit a check run before anything is written (the store's caller verification).
   * @param correlationId the id of the request (or job run, or workflow task) that writes: what the
   *   outbox items of this transaction carry (SPEC §1).
   */
  constructor(
    private readonly beforeCommit: () => void = () => undefined,
    readonly correlationId?: string,
  ) {}

  /** Runs `fn` once this transaction has committed (e.g. a metric of the change; never on a failed commit). */
  afterCommit(fn: () => void): this {
    this.committed.push(fn);
    return this;
  }

  get size(): number {
    return this.items.length;
  }

  /** Whether an item with this key is already in the transaction (DynamoDB refuses two operations on one item). */
  has(key: Key): boolean {
    return this.keys.has(keyId(key));
  }

  put(item: Item & Key, options: Options = {}): this {
    return this.add(item, options, (expr) => ({ Put: { TableName: tableName(), Item: item, ...expr } }));
  }

  update(key: Key, update: Update, options: Options = {}): this {
    return this.add(key, options, (expr) => ({ Update: { TableName: tableName(), Key: key, UpdateExpression: '', ...expr } }), update);
  }

  delete(key: Key, options: Options = {}): this {
    return this.add(key, options, (expr) => ({ Delete: { TableName: tableName(), Key: key, ...expr } }));
  }

  /** A condition on an item the transaction does not change. */
  check(key: Key, condition: Condition, name: string): this {
    return this.add(key, { condition, name }, (expr) => ({ ConditionCheck: { TableName: tableName(), Key: key, ...expr } as never }));
  }

  private add(key: Key, options: Options, build: (expressions: Record<string, unknown>) => TransactItem, update?: Update): this {
    if (options.condition && !options.name) throw new Error('every transaction condition needs a name');
    const id = keyId({ pk: key.pk, sk: key.sk });
    if (this.keys.has(id)) throw new Error(`the transaction already has an operation on ${key.pk} / ${key.sk}`);
    if (this.items.length >= MAX_TRANSACTION_ITEMS) throw new Error(`a transaction holds at most ${MAX_TRANSACTION_ITEMS} items`);
    const compiled = compile({ update, condition: options.condition });
    const expressions: Record<string, unknown> = { ...compiled };
    if (options.condition) expressions.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    this.keys.add(id);
    this.items.push(build(expressions));
    this.conditionNames.push(options.condition ? options.name : undefined);
    return this;
  }

  /**
   * Writes every item or none. A failed condition throws what its handler returns, else a
   * ConcurrentChange naming it; a conflict with another transaction throws a ConcurrentChange.
   */
  async commit(onFailure: FailureHandlers = {}): Promise<void> {
    if (this.items.length === 0) return;
    this.beforeCommit();
    try {
      await db().send(new TransactWriteCommand({ TransactItems: this.items }));
    } catch (error) {
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Item?: Item }> }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const name = this.conditionNames[failed];
        const handler = name ? onFailure[name] : undefined;
        throw handler ? handler(unmarshallReason(reasons[failed]?.Item)) : new ConcurrentChange(name);
      }
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new ConcurrentChange();
      throw error;
    }
    for (const fn of this.committed) fn();
  }
}

/** lib-dynamodb leaves CancellationReasons items marshalled ({S: ...}). */
function unmarshallReason(item: Item | undefined): Item | undefined {
  if (!item) return undefined;
  const marshalled = Object.values(item).every((v) => v !== null && typeof v === 'object' && Object.keys(v).length === 1);
  // The SDK's AttributeValue type is stricter than what the cancellation reason is typed as.
  return marshalled ? unmarshall(item as Parameters<typeof unmarshall>[0]) : item;
}
