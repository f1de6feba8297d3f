/**
 * Idempotency records (SPEC §1), in the service table: one item per caller and Idempotency-Key (hashed),
 * holding the hash of the request it was first used for (method, path, body), expiring by TTL after 24 h. The HTTP side
 * (shared/http/idempotency.ts) acquires the record before the route runs, stores the response after,
 * and releases it when the route failed.
 *
 *   acquire   PutItem on condition that no live record exists (none, expired, or an in-progress lock
 *             whose holder ran out of time); when one exists, its item comes back with the refusal
 *             (ReturnValuesOnConditionCheckFailure), so a replay costs one round trip
 *   complete  PutItem of the response, on condition that this request still holds the lock
 *   release   DeleteItem, on the same condition (a failed request leaves no record: a retry runs again)
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { db, tableName, type Item } from './client';
import { defineEntity } from './entity';
import { compile, eq, lt, or, and, itemIsNew } from './expressions';
import { ENTITY, keys, type Key } from './keys';
import { TABLE } from './table';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const storedResponse = z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.string() });
export type StoredResponse = z.output<typeof storedResponse>;

const recordEntity = defineEntity(
  ENTITY.idempotency,
  z.object({
    /** Who holds the record: the request that acquired it. */
    lockId: z.string(),
    status: z.enum(['in_progress', 'completed']),
    /** Hash of the first request (method, path, body): the same key with another request is refused. */
    requestHash: z.string(),
    /** Epoch ms until which an in-progress lock holds (the holder's time budget). */
    lockedUntil: z.number(),
    /** Epoch seconds: the record's end (also DynamoDB's TTL attribute). */
    [TABLE.ttlAttribute]: z.number(),
    response: z.optional(storedResponse),
  }),
);
export type IdempotencyRecord = ReturnType<typeof recordEntity.parse>;

/** What `acquire` found: this request holds the record now, or another request's record. */
export type Acquired = { held: true; lock: IdempotencyLock } | { held: false; record: IdempotencyRecord };

export interface IdempotencyLock {
  key: Key;
  lockId: string;
  requestHash: string;
}

const ttl = (nowMs: number) => Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS;

/**
 * Takes the record of `scopedKeyHash` for this request, unless a live one exists (then returns it).
 * A record whose TTL passed (DynamoDB deletes them lazily) or an in-progress lock whose holder ran
 * out of time counts as absent.
 */
export async function acquireIdempotency(scopedKeyHash: string, requestHash: string, nowMs: number, lockMs: number): Promise<Acquired> {
  const key = keys.idempotency(scopedKeyHash);
  const lock: IdempotencyLock = { key, lockId: randomUUID(), requestHash };
  const item = recordEntity.item(key, {
    lockId: lock.lockId,
    status: 'in_progress',
    requestHash,
    lockedUntil: nowMs + lockMs,
    [TABLE.ttlAttribute]: ttl(nowMs),
  });
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: item,
        ...compile({
          condition: or(
            itemIsNew(),
            lt(TABLE.ttlAttribute, Math.floor(nowMs / 1000)),
            and(eq('status', 'in_progress'), lt('lockedUntil', nowMs)),
          ),
        }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { held: true, lock };
  } catch (error) {
    const stored = conditionFailed(error)?.Item;
    // The refusal carries the stored item, marshalled (lib-dynamodb does not unmarshall it).
    if (stored) return { held: false, record: recordEntity.parse(unmarshall(stored) as Item) };
    throw error;
  }
}

/** Stores the response of the request that holds the lock (nothing when it lost the lock meanwhile). */
export async function completeIdempotency(lock: IdempotencyLock, response: StoredResponse, nowMs: number): Promise<void> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: recordEntity.item(lock.key, {
          lockId: lock.lockId,
          status: 'completed',
          requestHash: lock.requestHash,
          lockedUntil: nowMs,
          [TABLE.ttlAttribute]: ttl(nowMs),
          response,
        }),
        ...compile({ condition: eq('lockId', lock.lockId) }),
      }),
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
}

/** Deletes the record of a request that failed, so that a retry runs again. */
export async function releaseIdempotency(lock: IdempotencyLock): Promise<void> {
  try {
    await db().send(new DeleteCommand({ TableName: tableName(), Key: lock.key, ...compile({ condition: eq('lockId', lock.lockId) }) }));
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
}

/** The SDK's refusal of a condition (matched by name, as elsewhere in the store), with the item it returned. */
function conditionFailed(error: unknown): { Item?: Parameters<typeof unmarshall>[0] } | undefined {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException'
    ? (error as { Item?: Parameters<typeof unmarshall>[0] })
    : undefined;
}
