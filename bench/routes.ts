/**
 * Per route of the route table: DynamoDB round trips per request with 10 and with 10 000 rows behind
 * it, p50/p99 latency through the handler (in-process dispatch, large world), whether the answers
 * were 2xx; and the raw GetItem baseline on the same DynamoDB Local.
 */
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RouteSpec } from '../shared/http/route';
import { ENTITY } from '../shared/store/keys';
import { FixtureUnavailable, send, type ApiResponse } from '../test/support/api';
import { builderFor, type BuiltRequest } from '../test/support/builders';
import type { World } from '../test/support/world';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand as DocQueryCommand,
  TransactGetCommand,
} from '@aws-sdk/lib-dynamodb';
import { describeCommands, measure, turnsOf, type CommandRecord } from './dynamo-counter';
import type { BenchEnvironment } from './environment';
import type { BenchSettings } from './settings';
import { percentile } from './stats';

export interface WorldMeasurement {
  /** Round trips of each measured request (all should be equal). */
  roundTrips: number[];
  /** Items DynamoDB read per request (Query ScannedCount, Get/BatchGet items). */
  itemsRead: number[];
  commands: string;
  statuses: number[];
  /** Error codes of non-2xx answers. */
  errors: string[];
  latencies: number[];
  /** Raw GetItem timings interleaved with the requests (read routes): the same machine load. */
  rawLatencies: number[];
  /** Request units consumed per request (ReturnConsumedCapacity). */
  rru: number[];
  wru: number[];
  /** Items the answer returned (a list's `items`, else the longest top-level list, at least 1). */
  itemsReturned: number[];
  /** Notification outbox items the request wrote (each one e-mail: the cost model prices them). */
  notifications: number[];
  /**
   * Read routes: the route's own DynamoDB calls (same inputs, same turns: parallel within a turn)
   * replayed raw with a DocumentClient, timed between the requests (bench/dynamo-counter.ts turnsOf).
   */
  patternLatencies: number[];
  /** The turns replayed, e.g. "BatchGetItem ∥ Query → BatchGetItem". */
  pattern?: string;
}

/** Replays one request's commands raw; returns a timed replay. */
export type PatternReplay = (commands: CommandRecord[]) => { timed: () => Promise<number>; pattern: string } | undefined;

const DOC_COMMANDS: Record<string, new (input: any) => any> = {
  GetItemCommand: GetCommand,
  BatchGetItemCommand: BatchGetCommand,
  QueryCommand: DocQueryCommand,
  TransactGetItemsCommand: TransactGetCommand,
};

/** The raw replay of a read route's pattern with a DocumentClient over `env.raw` (not counted). */
export function patternReplay(env: BenchEnvironment): PatternReplay {
  const doc = DynamoDBDocumentClient.from(env.raw, { marshallOptions: { removeUndefinedValues: true } });
  return (commands) => {
    if (commands.length === 0 || commands.some((c) => !DOC_COMMANDS[c.name])) return undefined;
    const turns = turnsOf(commands);
    const pattern = turns.map((t) => t.map((c) => c.name.replace(/Command$/, '')).join(' ∥ ')).join(' → ');
    const timed = async () => {
      const started = performance.now();
      for (const turn of turns) {
        // Each command as the service sent it (the table is the same), asked for its capacity too.
        await Promise.all(
          turn.map((c) => doc.send(new DOC_COMMANDS[c.name]!({ ...structuredClone(c.input), ReturnConsumedCapacity: 'TOTAL' }))),
        );
      }
      return performance.now() - started;
    };
    return { timed, pattern };
  };
}

function itemsReturnedBy(body: unknown): number {
  if (!body || typeof body !== 'object') return 1;
  const items = (body as { items?: unknown }).items;
  if (Array.isArray(items)) return items.length;
  const lists = Object.values(body).filter(Array.isArray);
  return Math.max(1, ...lists.map((l) => l.length));
}

/** Outbox items among the writes of a request. */
function notificationsWritten(commands: readonly CommandRecord[]): number {
  let n = 0;
  for (const c of commands) {
    const items = (c.input as { TransactItems?: Array<{ Put?: { Item?: { type?: unknown } } }> }).TransactItems ?? [];
    n += items.filter((t) => t.Put?.Item?.type === ENTITY.notification).length;
  }
  return n;
}

export interface RouteResult {
  id: string;
  method: string;
  path: string;
  kind: 'read' | 'write';
  /** Set when the route was not measured, with the reason. */
  notMeasured?: string;
  small?: WorldMeasurement;
  large?: WorldMeasurement;
}

export interface Baseline {
  p50: number;
  p99: number;
  samples: number;
}

const ok = (status: number) => status >= 200 && status < 300;

async function measureInWorld(
  route: RouteSpec<any, any, any>,
  world: World,
  settings: BenchSettings,
  kind: 'read' | 'write',
  rawGetItem?: () => Promise<number>,
  replay?: PatternReplay,
): Promise<WorldMeasurement> {
  const builder = builderFor(route)!;
  const iterations = kind === 'read' ? settings.readIterations : settings.writeIterations;
  const warmup = kind === 'read' ? settings.warmup : Math.min(2, settings.warmup);
  const result: WorldMeasurement = {
    roundTrips: [],
    itemsRead: [],
    commands: '',
    statuses: [],
    errors: [],
    latencies: [],
    rawLatencies: [],
    rru: [],
    wru: [],
    itemsReturned: [],
    notifications: [],
    patternLatencies: [],
  };
  let reusable: BuiltRequest | undefined;
  let timedPattern: (() => Promise<number>) | undefined;
  for (let i = 0; i < warmup + iterations; i++) {
    // A read is the same request every time; a write prepares fresh preconditions each time.
    const request = kind === 'read' ? (reusable ??= await builder(world, i)) : await builder(world, i);
    const raw = kind === 'read' && rawGetItem ? await rawGetItem() : undefined;
    const rawPattern = timedPattern ? await timedPattern() : undefined;
    const measured = await measure<ApiResponse>(() => send(request));
    await request.cleanup?.();
    // The first answered read fixes the pattern replayed before each following request.
    if (kind === 'read' && replay && !result.pattern && measured.value.status < 300) {
      const built = replay(measured.commands);
      if (built) {
        timedPattern = built.timed;
        result.pattern = built.pattern;
      }
    }
    if (i < warmup) continue;
    if (raw !== undefined) result.rawLatencies.push(raw);
    if (rawPattern !== undefined) result.patternLatencies.push(rawPattern);
    result.rru.push(measured.rru);
    result.wru.push(measured.wru);
    result.itemsReturned.push(itemsReturnedBy(measured.value.body));
    result.notifications.push(notificationsWritten(measured.commands));
    const { status, body } = measured.value;
    result.statuses.push(status);
    if (!ok(status)) result.errors.push(`${status} ${body?.error?.code ?? ''}`.trim());
    result.roundTrips.push(measured.roundTrips);
    result.itemsRead.push(measured.itemsRead);
    result.latencies.push(measured.ms);
    if (!result.commands) result.commands = describeCommands(measured.commands);
  }
  return result;
}

export async function measureRoutes(
  routes: ReadonlyArray<RouteSpec<any, any, any>>,
  worlds: { small: World; large: World },
  settings: BenchSettings,
  log: (line: string) => void,
  rawGetItem?: () => Promise<number>,
  replay?: PatternReplay,
): Promise<RouteResult[]> {
  const results: RouteResult[] = [];
  for (const route of routes) {
    const kind = route.access.table === 'read' ? 'read' : 'write';
    const row: RouteResult = { id: route.id, method: route.method, path: route.path, kind };
    results.push(row);
    if (!builderFor(route)) {
      row.notMeasured = 'missing builder: add one to test/support/builders.ts';
      log(`  ${route.id}: missing builder`);
      continue;
    }
    try {
      row.small = await measureInWorld(route, worlds.small, settings, kind);
      row.large = await measureInWorld(route, worlds.large, settings, kind, rawGetItem, replay);
      const l = row.large;
      log(
        `  ${route.id}: ${row.small.roundTrips[0]} / ${l.roundTrips[0]} round trips, p50 ${percentile(l.latencies, 50).toFixed(1)} ms` +
          `, ${Math.max(...l.rru)} RRU / ${Math.max(...l.wru)} WRU for ${Math.max(...l.itemsReturned)} items` +
          (l.patternLatencies.length ? `, raw pattern (${l.pattern}) p50 ${percentile(l.patternLatencies, 50).toFixed(1)} ms` : '') +
          (l.errors.length ? `, NON-2xx: ${l.errors[0]}` : ''),
      );
    } catch (error) {
      row.small = row.large = undefined;
      row.notMeasured =
        error instanceof FixtureUnavailable ? `fixture unavailable: ${error.message}` : `error: ${(error as Error).message}`;
      log(`  ${route.id}: not measured (${row.notMeasured})`);
    }
  }
  return results;
}

/** One timed raw GetItem on the same DynamoDB Local, with a bare client (no document client, no middleware). */
export function rawGetItem(env: BenchEnvironment, key: { pk: string; sk: string }): () => Promise<number> {
  const input = { TableName: env.tableName, Key: marshall(key), ConsistentRead: true };
  return async () => {
    const started = performance.now();
    await env.raw.send(new GetItemCommand(input));
    return performance.now() - started;
  };
}

/**
 * The floor of a read route that needs its caller's record and one list page: a raw GetItem and a
 * raw Query of `limit` items sent in parallel (bare client, no handler). A read route with a Query
 * cannot be faster than this on the same DynamoDB Local.
 */
export function rawGetItemBesideQuery(
  env: BenchEnvironment,
  key: { pk: string; sk: string },
  list: { pk: string; skFrom: string; skTo: string },
  limit = 25,
): () => Promise<number> {
  const get = { TableName: env.tableName, Key: marshall(key), ConsistentRead: true };
  const query = {
    TableName: env.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: marshall({ ':pk': list.pk, ':a': list.skFrom, ':b': list.skTo }),
    Limit: limit,
  };
  return async () => {
    const started = performance.now();
    await Promise.all([env.raw.send(new GetItemCommand(get)), env.raw.send(new QueryCommand(query))]);
    return performance.now() - started;
  };
}

export async function rawGetItemBaseline(timed: () => Promise<number>, settings: BenchSettings): Promise<Baseline> {
  for (let i = 0; i < Math.min(50, settings.rawGetItems); i++) await timed();
  const samples: number[] = [];
  for (let i = 0; i < settings.rawGetItems; i++) samples.push(await timed());
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples: samples.length };
}
