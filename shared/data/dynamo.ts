/**
 * The DynamoDB document client (module scope, created on first use so the environment can be set
 * first) and the few operations the service uses. No Scan: lists are Queries with cursors.
 */
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DomainError } from '../errors';
import type { Key } from '../store/keys';
import { TABLE } from '../store/table';
import { decodeCursor, encodeCursor } from '../store/cursor';

export type Item = Record<string, any>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export { db, dynamoClient, tableName } from '../store/client';
import { db, tableName } from '../store/client';

export const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

export async function getItem<T extends Item = Item>(key: Key, consistent = true): Promise<T | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }));
  return out.Item as T | undefined;
}

/** One BatchGetItem (retrying unprocessed keys); returns a lookup by key. Duplicate keys are fine. */
export async function batchGet(keys: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Key[] | undefined = unique.slice(i, i + 100);
    for (let attempt = 0; request && request.length > 0; attempt++) {
      const out = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName()] ?? []) found.set(keyId(item as Key), item);
      request = out.UnprocessedKeys?.[tableName()]?.Keys as Key[] | undefined;
      if (request?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }
  return found;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * One page of a Query. `scope` binds the cursor to this list (use the partition value plus whatever
 * else distinguishes the list, e.g. a status filter).
 */
export async function queryPage<T extends Item = Item>(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  page: { limit: number; cursor?: string; scope: string },
): Promise<Page<T>> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      ...input,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, page.scope),
    }),
  );
  return {
    items: (out.Items ?? []) as T[],
    nextCursor: encodeCursor(out.LastEvaluatedKey, page.scope),
  };
}

/**
 * Key condition "pk = :pk and the sort key starts with `prefix`", as a range: the same items as
 * begins_with(sk, prefix) (the upper bound is the prefix with its last character + 1, which no key
 * of that kind equals). DynamoDB Local answers begins_with by walking the partition from its first
 * item, so a list stored after other lists in a big partition (work items after 10 000 members and
 * partners) was slow in tests and the bench; a range is answered from the index there too.
 */
export function sortKeyPrefixCondition(pk: string, prefix: string) {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :skFrom AND :skTo',
    ExpressionAttributeValues: { ':pk': pk, ':skFrom': prefix, ':skTo': upper },
  };
}

/** Query index attribute names, so callers need not spell them. */
export const indexes = TABLE.indexes;

/**
 * Another transaction was working on one of the same items (DynamoDB cancels both rather than
 * serialize them): nothing was written, and a retry may well succeed. 409 concurrent_update.
 */
export class TransactionConflict extends DomainError {
  constructor() {
    super('conflict', 'concurrent_update', 'Another request changed the same data at the same time; retry.');
  }
}

/**
 * TransactWriteItems. When a condition fails, `onConditionFailed(index, item)` turns it into the
 * domain error to throw (index = which TransactItem failed; item = its current value, when the
 * TransactItem asked for ReturnValuesOnConditionCheckFailure: 'ALL_OLD'). A conflict with a
 * concurrent transaction is a TransactionConflict.
 */
export async function transact(
  items: TransactItem[],
  onConditionFailed: (index: number, current: Item | undefined) => DomainError,
  clientRequestToken?: string,
): Promise<void> {
  try {
    await db().send(
      new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }),
    );
  } catch (error) {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Item?: Item }> }).CancellationReasons;
    if ((error as Error).name === 'TransactionCanceledException' && reasons) {
      const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (index >= 0) throw onConditionFailed(index, unmarshallMaybe(reasons[index].Item));
      if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new TransactionConflict();
    }
    throw error;
  }
}

function unmarshallMaybe(item: Item | undefined): Item | undefined {
  if (!item) return undefined;
  // lib-dynamodb returns CancellationReasons items still marshalled ({S: ...}).
  const looksMarshalled = Object.values(item).every((v) => v && typeof v === 'object' && Object.keys(v).length === 1);
  return looksMarshalled ? unmarshall(item as any) : item;
}

/** Shorthand for a Put of a new item that must not exist yet. */
export const putNew = (item: Item): TransactItem => ({
  Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});
export const put = (item: Item): TransactItem => ({ Put: { TableName: tableName(), Item: item } });
