/**
 * The per-request item loader: every GetItem a use case asks for in the same turn of the event loop
 * goes into ONE BatchGetItem (strongly consistent), and each item is read at most once per request.
 * This is how a route keeps its round-trip budget without the route table knowing table keys: the
 * caller's user record and the object of the route are read together because the use case asks for
 * both before awaiting either:
 *
 *   const [me, team] = await Promise.all([ctx.me(), ctx.store.teams.get(teamId)]);   // one BatchGetItem
 *
 * Batching follows DataLoader: keys queue up until the current promise jobs have run, then go out.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type Item } from './client';
import type { Key } from './keys';

const BATCH_GET_MAX_KEYS = 100;
const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

interface Pending {
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

const resolved = Promise.resolve();

export class Loader {
  /**
   * Who the request's lists are read for (the caller's id, or the system actor): list cursors are bound
   * to it (shared/store/cursor.ts), so one caller's cursor is refused to another.
   */
  viewer = '';
  private readonly cache = new Map<string, Promise<Item | undefined>>();
  private queue: Pending[] = [];

  /** The item with this key, or undefined; batched with the other loads of this turn. */
  load(key: Key): Promise<Item | undefined> {
    const id = keyId(key);
    let loading = this.cache.get(id);
    if (!loading) {
      loading = new Promise<Item | undefined>((resolve, reject) => {
        if (this.queue.length === 0) void resolved.then(() => process.nextTick(() => void this.dispatch()));
        this.queue.push({ key: { pk: key.pk, sk: key.sk }, resolve, reject });
      });
      this.cache.set(id, loading);
    }
    return loading;
  }

  loadMany(keys: readonly Key[]): Promise<Array<Item | undefined>> {
    return Promise.all(keys.map((key) => this.load(key)));
  }

  /** Forgets what was read: the next loads read again (after a lost race, before deciding again). */
  clear(): void {
    this.cache.clear();
  }

  private async dispatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const found = await batchGet(batch.map((p) => p.key));
      for (const pending of batch) pending.resolve(found.get(keyId(pending.key)));
    } catch (error) {
      for (const pending of batch) {
        this.cache.delete(keyId(pending.key));
        pending.reject(error);
      }
    }
  }
}

/** BatchGetItem of any number of keys (100 per call), retrying unprocessed keys with backoff. */
async function batchGet(keys: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX_KEYS) {
    let request: Key[] | undefined = keys.slice(i, i + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; request && request.length > 0; attempt++) {
      const out = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: request, ConsistentRead: true } } }));
      for (const item of out.Responses?.[tableName()] ?? []) found.set(keyId(item as Key), item);
      request = out.UnprocessedKeys?.[tableName()]?.Keys as Key[] | undefined;
      if (request?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }
  return found;
}
