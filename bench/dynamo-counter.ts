/**
 * Counts DynamoDB round trips with a middleware on the service's module-scope client
 * (shared/store/client.ts dynamoClient(); the document client and the Powertools idempotency store
 * share its middleware stack). Every command sent counts once, so a BatchGetItem retried for
 * unprocessed keys counts once per attempt. Items read are taken from the responses (Query/Scan
 * ScannedCount, GetItem 1, BatchGetItem the items returned).
 *
 * Attribution uses AsyncLocalStorage: `measure(fn)` counts only the commands sent by `fn`'s async
 * work while it runs, so background work (e.g. a workflow task started by the request, still running
 * after the response) and other concurrent work are not mixed in.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CommandRecord {
  name: string;
  itemsRead: number;
  /** Query/Scan: the index read, and the page size asked for. */
  index?: string;
  limit?: number;
}

export interface Tally {
  commands: CommandRecord[];
  open: boolean;
}

const storage = new AsyncLocalStorage<Tally>();
const installed = new WeakSet<object>();

function itemsRead(name: string, output: any): number {
  if (!output || typeof output !== 'object') return 0;
  switch (name) {
    case 'GetItemCommand':
      return output.Item ? 1 : 0;
    case 'BatchGetItemCommand':
      return Object.values<unknown[] | undefined>(output.Responses ?? {}).reduce((n, items) => n + (items?.length ?? 0), 0);
    case 'QueryCommand':
    case 'ScanCommand':
      return output.ScannedCount ?? output.Count ?? output.Items?.length ?? 0;
    case 'TransactGetItemsCommand':
      return (output.Responses ?? []).filter((r: any) => r?.Item).length;
    default:
      return 0;
  }
}

/** Adds the counting middleware to the client's stack (once). */
export function installCounter(client: DynamoDBClient): void {
  if (installed.has(client.middlewareStack)) return;
  installed.add(client.middlewareStack);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const tally = storage.getStore();
      const name = (context as { commandName?: string }).commandName ?? 'UnknownCommand';
      const result = await next(args);
      if (tally?.open) {
        const input = (args as { input?: { IndexName?: string; Limit?: number } }).input ?? {};
        tally.commands.push({ name, itemsRead: itemsRead(name, result.output), index: input.IndexName, limit: input.Limit });
      }
      return result;
    },
    { step: 'initialize', name: 'benchRoundTripCounter', priority: 'high' },
  );
}

export interface Measured<T> {
  value: T;
  commands: CommandRecord[];
  roundTrips: number;
  itemsRead: number;
  ms: number;
}

/** Runs fn, counting the DynamoDB commands its own async work sends until it settles. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const tally: Tally = { commands: [], open: true };
  const started = performance.now();
  try {
    const value = await storage.run(tally, fn);
    const ms = performance.now() - started;
    return {
      value,
      commands: tally.commands,
      roundTrips: tally.commands.length,
      itemsRead: tally.commands.reduce((n, c) => n + c.itemsRead, 0),
      ms,
    };
  } finally {
    tally.open = false;
  }
}

/** Runs fn outside any measurement (setup work must not be counted by an enclosing measure). */
export function unmeasured<T>(fn: () => Promise<T>): Promise<T> {
  return storage.exit(fn);
}

/** "BatchGetItem, Query ×3, TransactWriteItems": runs of the same command are folded. */
export function describeCommands(commands: CommandRecord[]): string {
  const runs: Array<{ name: string; n: number }> = [];
  for (const c of commands) {
    const name = c.name.replace(/Command$/, '');
    const last = runs[runs.length - 1];
    if (last?.name === name) last.n++;
    else runs.push({ name, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.name} ×${r.n}` : r.name)).join(', ');
}
