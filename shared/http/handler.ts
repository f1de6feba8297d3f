/**
 * The HTTP plumbing every route shares, as one middy stack (outermost first):
 *   1. error mapping    typed domain errors -> the spec's error format; anything else -> bare 500
 *   2. logger           Powertools structured logs with the request id
 *   3. request          header normalisation, JWT claims, size limits, JSON parsing, zod validation
 *                       (unknown fields rejected), and for registered routes one BatchGetItem of the
 *                       caller's user record plus the route's preload keys (403 not_registered),
 *                       with the handler's `prefetch` read (if any) running beside it
 *   4. idempotency      Powertools idempotency, only when an Idempotency-Key header is sent
 *   5. the route        plain async function: (request) => response body
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { batchGet, dynamoClient, keyId, tableName, type Item } from '../data/dynamo';
import type { UserRecord } from '../domain/identity';
import { notRegistered, unauthenticated, validationFailed } from '../errors';
import { IDEMPOTENCY_PARTITION, keys, type Key } from '../keys';
import { TABLE } from '../table';
import { JSON_HEADERS, mapError } from './errors';
import { logger } from './logger';
import type { RouteSpec } from './route';
import { MAX_BODY_BYTES } from './schemas';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export interface Caller {
  userId: string;
  email: string;
}

export interface HttpRequest<P, Q, B, R = undefined> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  /** The caller's user record. Set on every `registered` route (the default). */
  user: UserRecord;
  /** Items fetched with the user record (route.preload); undefined when absent. */
  loaded: <T extends Item = Item>(key: Key) => T | undefined;
  /** The route's preload keys: a use case that decides again after a lost race reloads them. */
  preloadKeys: Key[];
  /**
   * The result of the handler's `prefetch` (resolves to undefined without one). It was read before
   * anyone checked the caller's rights: await it only once the route has authorized the request, so
   * a refused request ends with the same 404/403 and never shows (nor fails on) prefetched data.
   */
  prefetched: Promise<R>;
  headers: Record<string, string>;
  now: Date;
  requestId: string;
}

/** A response with a status or headers other than the route's default. */
export class HttpResult {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

type RouteFn<P, Q, B, R> = (request: HttpRequest<P, Q, B, R>) => Promise<unknown>;

export interface HandlerOptions<P, Q, R> {
  /**
   * A read whose input the path, query and caller id fully determine (a list's Query whose partition
   * is in the path): started in parallel with the wrapper's BatchGet instead of after it, so a read
   * route costs one round of latency. Reaches the route only as `request.prefetched`.
   */
  prefetch?: (input: { params: P; query: Q; callerId: string }) => Promise<R>;
}

const REQUEST = Symbol('request');
type ContextWithRequest = Context & { [REQUEST]?: HttpRequest<unknown, unknown, unknown, unknown> };

// Module scope: created once per container, reused across invocations.
let idempotency: ReturnType<typeof makeHandlerIdempotent> | undefined;
function idempotencyMiddleware() {
  idempotency ??= makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: tableName(),
      keyAttr: TABLE.partitionKey,
      sortKeyAttr: TABLE.sortKey,
      staticPkValue: IDEMPOTENCY_PARTITION,
      expiryAttr: TABLE.ttlAttribute,
      awsSdkV3Client: dynamoClient(),
    }),
    config: new IdempotencyConfig({
      // The scope header is set by this module (never by the client): route + caller + key.
      eventKeyJmesPath: 'headers."x-idempotency-scope"',
      payloadValidationJmesPath: 'body',
      expiresAfterSeconds: 24 * 60 * 60,
    }),
  });
  return idempotency;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const SCOPE_HEADER = 'x-idempotency-scope';

function issuesToDetails(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: string) {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { field: path || prefix, issue: `unknown field(s): ${(issue as { keys: string[] }).keys.join(', ')}` };
    }
    return { field: path || prefix, issue: describeIssue(issue) };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `too big (maximum ${String(issue.maximum)})`;
    case 'invalid_format':
      return issue.message && issue.message !== 'Invalid input' ? issue.message : `invalid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : issue.code;
  }
}

function parseWith<T>(schema: z.ZodMiniType | undefined, value: unknown, field: string, collected: unknown[]): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data as T;
  collected.push(...issuesToDetails(result.error.issues, field));
  return undefined as T;
}

function readBody(event: HttpEvent, hasSchema: boolean): unknown {
  const raw = event.body === undefined || event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw validationFailed([{ field: 'body', issue: `larger than ${MAX_BODY_BYTES} bytes` }]);
  }
  if (raw.trim() === '') return hasSchema ? {} : undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw validationFailed([{ field: 'body', issue: 'malformed JSON' }], 'The request body is not valid JSON.');
  }
}

/** Starts the prefetch; its failure is kept for whoever awaits it (none when authorization fails). */
function startPrefetch(prefetch: HandlerOptions<any, any, unknown>['prefetch'], input: { params: unknown; query: unknown; callerId: string }): Promise<unknown> {
  if (!prefetch) return Promise.resolve(undefined);
  const pending = new Promise((resolve) => resolve(prefetch(input)));
  pending.catch(() => undefined);
  return pending;
}

function buildRequestMiddleware(
  route: RouteSpec<any, any, any>,
  options: HandlerOptions<any, any, unknown>,
): middy.MiddlewareObj<HttpEvent, HttpResponse, Error, ContextWithRequest> {
  return {
    before: async (request) => {
      const event = request.event;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
      delete headers[SCOPE_HEADER];

      const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
      const userId = typeof claims.sub === 'string' ? claims.sub : '';
      const email = typeof claims.email === 'string' ? claims.email : '';
      if (!userId || !email) throw unauthenticated('The token must carry sub and email claims.');

      const details: unknown[] = [];
      const params = parseWith(route.params, event.pathParameters ?? {}, 'path', details);
      const query = parseWith(route.query, event.queryStringParameters ?? {}, 'query', details);
      // A route without a query schema takes no query parameters: unknown fields are refused everywhere.
      if (!route.query) for (const name of Object.keys(event.queryStringParameters ?? {})) details.push({ field: `query.${name}`, issue: 'unknown query parameter' });
      const rawBody = readBody(event, route.body !== undefined);
      if (!route.body && rawBody !== undefined && !(typeof rawBody === 'object' && rawBody !== null && !Array.isArray(rawBody) && Object.keys(rawBody).length === 0)) {
        details.push({ field: 'body', issue: 'this route takes no body' });
      }
      const body = parseWith(route.body, rawBody, 'body', details);
      if (details.length > 0) throw validationFailed(details);

      const prefetched = startPrefetch(options.prefetch, { params, query, callerId: userId });
      let user: UserRecord | undefined;
      let loaded = new Map<string, Item>();
      const preloadKeys = route.preload?.({ params, body, callerId: userId }) ?? [];
      if ((route.auth ?? 'registered') === 'registered') {
        const userKey = keys.user(userId);
        loaded = await batchGet([userKey, ...preloadKeys]);
        user = loaded.get(keyId(userKey)) as UserRecord | undefined;
        if (!user) throw notRegistered();
      }

      if (route.idempotent && headers[IDEMPOTENCY_HEADER]) {
        const key = headers[IDEMPOTENCY_HEADER];
        if (key.length > 255) throw validationFailed([{ field: 'header.idempotency-key', issue: 'too long (maximum 255)' }]);
        headers[SCOPE_HEADER] = `${route.id}:${userId}:${key}`;
      }
      // Powertools reads the key from the event; give it the normalised headers.
      event.headers = headers;

      request.context[REQUEST] = {
        params,
        query,
        body,
        caller: { userId, email },
        user: user as UserRecord,
        loaded: <T extends Item>(key: Key) => loaded.get(keyId(key)) as T | undefined,
        preloadKeys,
        prefetched,
        headers,
        now: new Date(),
        requestId: request.context.awsRequestId ?? event.requestContext?.requestId ?? '',
      };
    },
  };
}

/**
 * Requests whose own `before` acquired the idempotency record. Only they may delete it on error:
 * Powertools 2.35's middleware deletes it in onError even when its `before` refused the request (in
 * progress, or the same key with another body), removing the first request's lock or completed
 * record, so a retry ran the handler again (powertools-lambda-typescript#5675, fixed after 2.35).
 */
const acquired = new WeakSet<object>();

/** Runs the Powertools idempotency middleware only for requests that carry an Idempotency-Key. */
function optionalIdempotency(route: RouteSpec<any, any, any>): middy.MiddlewareObj<HttpEvent, HttpResponse> {
  const applies = (event: HttpEvent) => Boolean(route.idempotent && event.headers?.[SCOPE_HEADER]);
  return {
    before: async (request) => {
      if (!applies(request.event)) return;
      const replayed = await idempotencyMiddleware().before?.(request as any);
      if (replayed === undefined) acquired.add(request);
      return replayed as any;
    },
    after: async (request) => {
      if (applies(request.event)) await idempotencyMiddleware().after?.(request as any);
    },
    onError: async (request) => {
      if (applies(request.event) && acquired.has(request)) await idempotencyMiddleware().onError?.(request as any);
    },
  };
}

const errorMapping: middy.MiddlewareObj<HttpEvent, HttpResponse> = {
  onError: async (request) => {
    const { response, known } = mapError(request.error);
    if (!known) logger.error('unhandled error', { error: request.error as Error });
    else if (response.statusCode === undefined || response.statusCode >= 500) logger.error('server error', { error: request.error as Error });
    request.response = response;
  },
};

function toResponse(route: RouteSpec<any, any, any>, result: unknown): HttpResponse {
  if (result instanceof HttpResult) {
    return {
      statusCode: result.status,
      headers: { ...JSON_HEADERS, ...result.headers },
      body: result.status === 204 ? '' : JSON.stringify(result.body ?? {}),
    };
  }
  const status = route.successStatus ?? 200;
  if (status === 204) return { statusCode: 204, headers: {}, body: '' };
  return { statusCode: status, headers: { ...JSON_HEADERS }, body: JSON.stringify(result ?? {}) };
}

export type WrappedHandler = middy.MiddyfiedHandler<HttpEvent, HttpResponse, Error, ContextWithRequest>;

/**
 * Wraps a route function into a Lambda handler for API Gateway HTTP API (payload v2) events.
 * The same exported handler runs deployed and in the local server.
 */
export function httpHandler<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  route: RouteSpec<P, Q, B>,
  fn: RouteFn<z.output<P>, z.output<Q>, z.output<B>, undefined>,
): WrappedHandler;
/** With a prefetch: the options come first, so that the prefetch's type reaches `request.prefetched`. */
export function httpHandler<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType, R>(
  route: RouteSpec<P, Q, B>,
  options: Required<HandlerOptions<z.output<P>, z.output<Q>, R>>,
  fn: RouteFn<z.output<P>, z.output<Q>, z.output<B>, R>,
): WrappedHandler;
export function httpHandler(
  route: RouteSpec<any, any, any>,
  fnOrOptions: RouteFn<any, any, any, any> | HandlerOptions<any, any, unknown>,
  maybeFn?: RouteFn<any, any, any, any>,
): WrappedHandler {
  const [options, fn] = typeof fnOrOptions === 'function' ? [{}, fnOrOptions] : [fnOrOptions, maybeFn!];
  const base = async (_event: HttpEvent, context: ContextWithRequest): Promise<HttpResponse> => {
    const request = context[REQUEST] as HttpRequest<unknown, unknown, unknown, unknown>;
    return toResponse(route, await fn(request));
  };
  return middy<HttpEvent, HttpResponse, Error, ContextWithRequest>(base)
    .use(errorMapping)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(buildRequestMiddleware(route, options))
    .use(optionalIdempotency(route));
}
