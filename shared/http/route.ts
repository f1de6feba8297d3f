/**
 * A route of the HTTP API, declared once in shared/features/<feature>/routes.ts and composed in shared/routes/index.ts. The CDK stack builds one function per
 * route from it (entry, IAM access), the local server routes requests with it, the handler wrapper
 * validates with its schemas, and scripts/openapi.ts documents it.
 */
import type * as z from 'zod/mini';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type SuccessStatus = 200 | 201 | 202 | 204;

/** The statuses of the spec's client errors a route may answer with its own codes. */
export type ErrorStatus = 400 | 403 | 404 | 409 | 422 | 429;
export type RouteErrors = Partial<Record<ErrorStatus, readonly string[]>>;

/** What the route's function may touch; infra turns this into least-privilege grants. */
export interface RouteAccess {
  /** read: GetItem/BatchGetItem/Query. write adds PutItem/UpdateItem/DeleteItem/TransactWriteItems. */
  table: 'read' | 'readWrite';
  /** start: states:StartExecution; respond: SendTaskSuccess/Failure on this state machine. */
  workflow?: ReadonlyArray<'start' | 'respond'>;
  /**
   * Webhooks: seal = kms:Encrypt on the webhook key (create, rotate); enqueue = sqs:SendMessage on the
   * delivery queue (test, redeliver). Only the deliverer may decrypt (infra/constructs/webhook-delivery.ts).
   */
  webhooks?: ReadonlyArray<'seal' | 'enqueue'>;
}

export interface RouteSpec<
  P extends z.ZodMiniType = z.ZodMiniType,
  Q extends z.ZodMiniType = z.ZodMiniType,
  B extends z.ZodMiniType = z.ZodMiniType,
> {
  /** Stable camelCase id: names the function and its CloudFormation logical id. */
  id: string;
  method: HttpMethod;
  /** API Gateway syntax: /workspaces/{workspaceId}/members */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  summary: string;
  /**
   * registered (default): the caller must have PUT /me first (else 403 not_registered).
   * authenticated: a valid token is enough (PUT /me itself).
   */
  auth?: 'registered' | 'authenticated';
  params?: P;
  query?: Q;
  body?: B;
  /** The success body (the OpenAPI document's schema of every success but 204). */
  response?: z.ZodMiniType;
  /** 200 by default; 201 for creates; 204 sends no body. */
  successStatus?: SuccessStatus;
  /**
   * When the route answers more than one success status (its function returns an HttpResult), each of
   * them with what it means, e.g. PUT /me `{ 200: 'Updated', 201: 'Registered' }`.
   */
  successes?: Partial<Record<SuccessStatus, string>>;
  /** Creating POSTs honour the Idempotency-Key header. */
  idempotent?: boolean;
  /** Top-level response fields an idempotent replay answers as null (never stored: a webhook's secret). */
  replayRedacts?: readonly string[];
  /**
   * The route's own error answers: for each status, the `error.code` values it can carry (SPEC §1), e.g.
   * `{ 403: ['forbidden'], 404: ['not_found'], 409: ['invalid_state'] }`. The answers every route shares are
   * added where the OpenAPI document is built (400 validation_failed for a route that takes input, 401
   * unauthenticated, 403 not_registered on registered routes, 409 concurrent_update on writes, the
   * idempotency codes on idempotent routes, 500 internal_error, 503 service_unavailable).
   */
  errors?: RouteErrors;
  access: RouteAccess;
}

/** Identity helper that keeps the schema types for the handler. */
export function defineRoute<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}
