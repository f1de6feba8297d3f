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
  /** Capacity units it consumed (ReturnConsumedCapacity=TOTAL, which the bench turns on); 0 when not returned. */
  capacity: number;
  /** Reads bill read request units, writes write request units (on-demand). */
  capacityKind: 'read' | 'write';
  /** The command's input as the service sent it (document-client form), for the raw replay. */
  input: Record<string, unknown>;
  /** When it was sent and answered (performance.now()): commands in flight together form one turn. */
  startedAt: number;
  endedAt: number;
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

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

/** Capacity units of a response: ConsumedCapacity is one object (single-table commands) or a list (batch, transact). */
function capacityOf(output: any): number {
  const consumed = output?.ConsumedCapacity;
  if (!consumed) return 0;
  const list: Array<{ CapacityUnits?: number }> = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
}

/** Adds the counting middleware to the client's stack (once). */
export function installCounter(client: DynamoDBClient): void {
  if (installed.has(client.middlewareStack)) return;
  installed.add(client.middlewareStack);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const tally = storage.getStore();
      const name = (context as { commandName?: string }).commandName ?? 'UnknownCommand';
      const input = ((args as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown> & {
        IndexName?: string;
        Limit?: number;
      };
      const sent = tally?.open ? structuredClone(input) : {};
      const startedAt = performance.now();
      const result = await next(args);
      if (tally?.open) {
        tally.commands.push({
          name,
          itemsRead: itemsRead(name, result.output),
          capacity: capacityOf(result.output),
          capacityKind: READS.has(name) ? 'read' : 'write',
          input: sent,
          startedAt,
          endedAt: performance.now(),
          index: input.IndexName,
          limit: input.Limit,
        });
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
  /** Read and write request units consumed (on-demand billing units). */
  rru: number;
  wru: number;
  ms: number;
}

/** Request units of a list of commands. */
export function unitsOf(commands: readonly CommandRecord[]): { rru: number; wru: number } {
  let rru = 0;
  let wru = 0;
  for (const c of commands) {
    if (c.capacityKind === 'read') rru += c.capacity;
    else wru += c.capacity;
  }
  return { rru, wru };
}

/**
 * The turns of a request: commands grouped as they were in flight together (a command that started
 * before every command of the current turn had answered joins it). The raw replay sends each turn's
 * commands in parallel and the turns one after the other: the route's own DynamoDB pattern.
 */
export function turnsOf(commands: readonly CommandRecord[]): CommandRecord[][] {
  const turns: CommandRecord[][] = [];
  let current: CommandRecord[] = [];
  let firstEnd = Infinity;
  for (const c of [...commands].sort((a, b) => a.startedAt - b.startedAt)) {
    if (current.length > 0 && c.startedAt >= firstEnd) {
      turns.push(current);
      current = [];
      firstEnd = Infinity;
    }
    current.push(c);
    firstEnd = Math.min(firstEnd, c.endedAt);
  }
  if (current.length) turns.push(current);
  return turns;
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
      ...unitsOf(tally.commands),
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
