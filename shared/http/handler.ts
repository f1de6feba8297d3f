/**
 * The HTTP plumbing every route shares, as one middy stack (outermost first):
 *   1. error mapping    typed domain errors -> the spec's error format; anything else -> bare 500
 *   2. logger           Powertools structured logs with the request id
 *   3. request          header normalisation, JWT claims, size limits, JSON parsing, zod validation
 *                       (unknown fields refused), then a use-case context (shared/context.ts) for the caller
 *   4. idempotency      only when an Idempotency-Key header is sent (shared/http/idempotency.ts)
 *   5. the route        (request) => the use case's result; the caller's registration is checked by
 *                       the use case (ctx.me(), batched with its first reads) and again here after it
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { requireSettingsAtInit } from '../config';
import { CORRELATION_ID_PATTERN, UseCaseContext, newCorrelationId, type Caller } from '../context';
import { unauthenticated, validationFailed } from '../errors';
import { JSON_HEADERS, mapError } from './errors';
import { idempotency } from './idempotency';
import { logger } from './logger';
import type { RouteSpec } from './route';
import { MAX_BODY_BYTES } from './schemas';
import { publishMetrics, recordRoute } from '../observability/metrics';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;
export type { Caller } from '../context';

/** What a route function gets: the validated request and the use-case context of its caller. */
export interface HttpRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string>;
  ctx: UseCaseContext;
}

/** A response with a status or headers other than the route's default. */
export class HttpResult {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

type RouteFn<P, Q, B> = (request: HttpRequest<P, Q, B>) => Promise<unknown>;

const REQUEST = Symbol('request');
const CORRELATION = Symbol('correlationId');
type ContextWithRequest = Context & { [REQUEST]?: HttpRequest<unknown, unknown, unknown>; [CORRELATION]?: string };

/** The caller's `x-correlation-id` when usable (SPEC §1), else a new one. */
export function correlationIdOf(event: { headers?: Record<string, string | undefined> }): string {
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (name.toLowerCase() === 'x-correlation-id' && value !== undefined && CORRELATION_ID_PATTERN.test(value)) return value;
  return newCorrelationId();
}

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

function parseWith(schema: z.ZodMiniType | undefined, value: unknown, field: string, collected: unknown[]): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  collected.push(...issuesToDetails(result.error.issues, field));
  return undefined;
}

function readBody(event: HttpEvent, hasSchema: boolean): unknown {
  const body = event.body ?? '';
  const raw = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
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

/**
 * The parts of the event read before validation, as optional as they can arrive: the aws-lambda type
 * promises headers and a JWT authorizer context, but a hand-built or misrouted event may lack them, and
 * then the answer must stay 401 unauthenticated, not a TypeError's 500.
 */
interface ReceivedEvent {
  headers?: HttpEvent['headers'];
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

interface ParsedRequest {
  params: unknown;
  query: unknown;
  body: unknown;
  caller: Caller;
  headers: Record<string, string>;
}

/** Headers, claims, size limit, JSON, zod validation (unknown fields refused): a 400 lists every problem. */
function parseRequest(route: RouteSpec, event: HttpEvent): ParsedRequest {
  const received: ReceivedEvent = event;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(received.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;

  const claims = received.requestContext?.authorizer?.jwt?.claims ?? {};
  const userId = typeof claims.sub === 'string' ? claims.sub : '';
  const email = typeof claims.email === 'string' ? claims.email : '';
  if (!userId || !email) throw unauthenticated('The token must carry sub and email claims.');

  const details: unknown[] = [];
  const params = parseWith(route.params, event.pathParameters ?? {}, 'path', details);
  const query = parseWith(route.query, event.queryStringParameters ?? {}, 'query', details);
  // A route without a query schema takes no query parameters: unknown fields are refused everywhere.
  if (!route.query)
    for (const name of Object.keys(event.queryStringParameters ?? {}))
      details.push({ field: `query.${name}`, issue: 'unknown query parameter' });
  const rawBody = readBody(event, route.body !== undefined);
  if (
    !route.body &&
    rawBody !== undefined &&
    !(typeof rawBody === 'object' && rawBody !== null && !Array.isArray(rawBody) && Object.keys(rawBody).length === 0)
  ) {
    details.push({ field: 'body', issue: 'this route takes no body' });
  }
  const body = parseWith(route.body, rawBody, 'body', details);
  if (details.length > 0) throw validationFailed(details);
  return { params, query, body, caller: { userId, email }, headers };
}

function buildRequestMiddleware(route: RouteSpec): middy.MiddlewareObj<HttpEvent, HttpResponse, Error, ContextWithRequest> {
  return {
    before: (request) => {
      const parsed = parseRequest(route, request.event);
      const ctx = UseCaseContext.forCaller(parsed.caller, new Date(), request.context[CORRELATION]);
      request.context[REQUEST] = { params: parsed.params, query: parsed.query, body: parsed.body, headers: parsed.headers, ctx };
    },
  };
}

const errorMapping: middy.MiddlewareObj<HttpEvent, HttpResponse> = {
  onError: (request) => {
    const { response, known } = mapError(request.error);
    if (!known) logger.error('unhandled error', { error: request.error as Error });
    else if (response.statusCode === undefined || response.statusCode >= 500)
      logger.error('server error', { error: request.error as Error });
    request.response = response;
  },
};

function toResponse(route: RouteSpec, result: unknown): HttpResponse {
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

export type WrappedHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

/**
 * The ids in the path (workspaceId, teamId, partnershipId, ...) for the log lines (SPEC §12: the
 * workspace ids involved). Ids only, at most 128 characters each: never a body or a query value.
 */
function idsOf(params: Record<string, string | undefined> | undefined): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {}))
    if (name.endsWith('Id') && value !== undefined && value.length <= 128) ids[name] = value;
  return ids;
}

/**
 * Runs after the logger middleware's `before` (which resets the keys of the previous request): the
 * correlation id goes on every log line of this request and into its use-case context.
 */
const correlation: middy.MiddlewareObj<HttpEvent, HttpResponse, Error, ContextWithRequest> = {
  before: (request) => {
    const correlationId = request.context[CORRELATION] ?? correlationIdOf(request.event);
    request.context[CORRELATION] = correlationId;
    // The API request id joins these lines with the HTTP API's access log ($context.requestId).
    const apiRequestId = (request.event as Partial<HttpEvent>).requestContext?.requestId;
    logger.appendKeys({
      correlationId,
      route: request.event.routeKey,
      ...(apiRequestId ? { apiRequestId } : {}),
      ...idsOf(request.event.pathParameters),
    });
  },
};

function wrap<P, Q, B>(
  route: RouteSpec,
  request: middy.MiddlewareObj<HttpEvent, HttpResponse, Error, ContextWithRequest>,
  fn: RouteFn<P, Q, B>,
): WrappedHandler {
  const base = async (_event: HttpEvent, context: ContextWithRequest): Promise<HttpResponse> => {
    // Set by the request middleware from the route's own schemas, so its parts have the schemas' output types.
    const req = context[REQUEST] as HttpRequest<P, Q, B>;
    const result = await fn(req);
    // Every registered route answers 403 not_registered to an unknown caller, whatever its use case read.
    if ((route.auth ?? 'registered') === 'registered' && !req.ctx.callerVerified) await req.ctx.me();
    return toResponse(route, result);
  };
  const handler = middy<HttpEvent, HttpResponse, Error, ContextWithRequest>(base)
    .use(errorMapping)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlation)
    .use(request)
    .use(idempotency(route));
  // Outside middy: an idempotent replay answers early from a `before` (skipping every `after`), and the
  // header must be on that answer as on errors and successes.
  // Route metrics are recorded here too, for the same reason: replays and errors count.
  const routeKey = `${route.method} ${route.path}`;
  return async (event, context) => {
    const started = performance.now();
    const correlationId = correlationIdOf(event);
    const withId: ContextWithRequest = Object.assign(context, { [CORRELATION]: correlationId });
    const response = await handler(event, withId);
    const status = response.statusCode ?? 200;
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    // One line per request; the middleware's keys are reset when middy finishes, so named again here.
    const apiRequestId = (event as Partial<HttpEvent>).requestContext?.requestId;
    logger.info('request done', {
      correlationId,
      route: routeKey,
      ...(apiRequestId ? { apiRequestId } : {}),
      ...idsOf(event.pathParameters),
      status,
      latencyMs,
    });
    recordRoute(routeKey, status, latencyMs);
    publishMetrics();
    return { ...response, headers: { ...response.headers, 'x-correlation-id': correlationId } };
  };
}

/**
 * Wraps a route function into a Lambda handler for API Gateway HTTP API (payload v2) events. The
 * same exported handler runs deployed and in the local server:
 *
 *   export const handler = httpHandler(getTeam, ({ ctx, params }) => readTeam(ctx, params.teamId));
 */
export function httpHandler<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  route: RouteSpec<P, Q, B>,
  fn: RouteFn<z.output<P>, z.output<Q>, z.output<B>>,
): WrappedHandler {
  // Fail closed at init: a route that starts or resumes executions stops without its state machine.
  if ((route.access.workflow ?? []).length > 0) requireSettingsAtInit(['STATE_MACHINE_ARN']);
  // Likewise a webhook route that seals a secret (create, rotate) without its KMS key, or one that enqueues a
  // delivery (test, redeliver) without the delivery queue.
  const webhookSettings = [
    ...(route.access.webhooks?.includes('seal') ? (['WEBHOOK_KEY_ID'] as const) : []),
    ...(route.access.webhooks?.includes('enqueue') ? (['WEBHOOK_QUEUE_URL'] as const) : []),
  ];
  if (webhookSettings.length > 0) requireSettingsAtInit(webhookSettings);
  return wrap(route, buildRequestMiddleware(route), fn);
}
