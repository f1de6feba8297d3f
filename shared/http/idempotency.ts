/**
 * Idempotency-Key on creating POSTs (SPEC §1), as a middy middleware of shared/http/handler.ts that runs
 * after the request was validated (a bad request is a 400 whatever its key) and only when the route is
 * `idempotent` and the request carries a key:
 *
 * - a key belongs to one caller (the record is keyed by the caller and the key) and to the method, path
 *   and body of its first request (their hash is stored): the same key on another path (another team,
 *   another workspace) or with another body is refused, never a replay of the other request's answer;
 * - the first request takes an in-progress lock; a retry meanwhile is 409 idempotency_in_progress;
 * - a success is stored (status, headers, body) for 24 h and a retry with the same body gets it again,
 *   changing nothing; the same key with another body (or on another path) is 422 idempotency_key_reused;
 * - a failure stores nothing (the lock is released): a retry runs again.
 *
 * The records live in the service table (shared/store/idempotency.ts). Written here instead of taking
 * Powertools idempotency, whose jmespath and persistence layers added ~38 KB to every function bundle
 * (docs/DECISIONS.md).
 */
import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { businessRule, conflict, validationFailed } from '../errors';
import { logger } from './logger';
import { acquireIdempotency, completeIdempotency, releaseIdempotency, type IdempotencyLock } from '../store/idempotency';
import type { RouteSpec } from './route';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Response = APIGatewayProxyStructuredResultV2;

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;
/** How long a lock holds when the Lambda context does not say how much time is left (locally). */
const DEFAULT_LOCK_MS = 30_000;

/**
 * The body to keep for replays: a route's `replayRedacts` fields (a webhook's signing secret) are stored
 * as null, so no secret rests in an idempotency record; a replay answers them null.
 */
function withoutSecrets(route: RouteSpec, body: string): string {
  if (!route.replayRedacts?.length || !body) return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const field of route.replayRedacts) if (field in parsed) parsed[field] = null;
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** JSON with sorted keys: the same body sent with its fields in another order is the same body. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** The body as a value (the request middleware has already refused what is not JSON). */
function bodyOf(event: Event): unknown {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The path of this request in one spelling: the route's template with its (decoded) parameters. */
const pathOf = (route: RouteSpec, event: Event) =>
  route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => encodeURIComponent(event.pathParameters?.[name] ?? ''));

const keyReused = () =>
  businessRule(
    'idempotency_key_reused',
    'This Idempotency-Key was used with another request (another body or another path): use a new key for a new request.',
  );
const inProgress = () => conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress: retry shortly.');

export function idempotency(route: RouteSpec): middy.MiddlewareObj<Event, Response> {
  const locks = new WeakMap<object, IdempotencyLock>();
  return {
    before: async (request) => {
      if (!route.idempotent) return undefined;
      const headers = request.event.headers as Record<string, string | undefined> | undefined;
      const key = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === IDEMPOTENCY_HEADER)?.[1];
      if (!key) return undefined;
      if (key.length > MAX_KEY_LENGTH) {
        throw validationFailed([{ field: 'header.idempotency-key', issue: `too long (maximum ${MAX_KEY_LENGTH})` }]);
      }
      // The request middleware has verified the claims: sub is the caller.
      const caller = String(request.event.requestContext.authorizer.jwt.claims.sub);
      const scoped = sha256(`${caller}\n${key}`);
      // The caller too: two callers' records never share a value, even for the same request.
      const requestHash = sha256([caller, route.method, pathOf(route, request.event), canonical(bodyOf(request.event))].join('\n'));
      const now = Date.now();
      const remaining = typeof request.context.getRemainingTimeInMillis === 'function' ? request.context.getRemainingTimeInMillis() : 0;
      const acquired = await acquireIdempotency(scoped, requestHash, now, remaining > 0 ? remaining : DEFAULT_LOCK_MS);
      if (acquired.held) {
        locks.set(request, acquired.lock);
        return undefined;
      }
      const { record } = acquired;
      if (record.requestHash !== requestHash) throw keyReused();
      if (record.status !== 'completed' || !record.response) throw inProgress();
      // The first answer, as it was.
      return { statusCode: record.response.status, headers: record.response.headers, body: record.response.body };
    },
    after: async (request) => {
      const lock = locks.get(request);
      const response = request.response;
      if (!lock || !response) return;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
      try {
        await completeIdempotency(
          lock,
          { status: response.statusCode ?? 200, headers, body: withoutSecrets(route, response.body ?? '') },
          Date.now(),
        );
      } catch (error) {
        // The change is made: answer it. A retry after the lock's time runs again (logged for that case).
        logger.error('idempotency record not stored', { error: error as Error, route: route.id });
      }
    },
    onError: async (request) => {
      const lock = locks.get(request);
      if (!lock) return;
      try {
        await releaseIdempotency(lock);
      } catch (error) {
        // The lock then holds until its time is up; the request's own error is what the caller gets.
        logger.error('idempotency lock not released', { error: error as Error, route: route.id });
      }
    },
  };
}
