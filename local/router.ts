/**
 * Routes a request to a handler module using the route table, the way API Gateway does: builds an
 * HTTP API payload v2 event, with the verified JWT claims where the authorizer puts them, and calls
 * the same exported `handler` that runs in Lambda.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { RouteSpec } from '../shared/http/route';
import type { HttpEvent, HttpResponse } from '../shared/http/handler';
import { routes } from '../shared/routes';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * The Lambda context given locally: aws-lambda's Context without the deprecated done/fail/succeed
 * callbacks, which no handler here calls (async handlers only).
 */
export type LocalContext = Omit<Context, 'done' | 'fail' | 'succeed'>;

/**
 * A module's exported `handler`, called with the event its trigger would send. Declared as a method
 * so that the parameter is bivariant: each handler (or test stub) declares its own event type.
 */
export type LambdaHandler = { handler(event: unknown, context: LocalContext): Promise<unknown> }['handler'];
const modules = new Map<string, Promise<LambdaHandler>>();

/** Loads `handler` from a module path relative to the repository root (cached). */
export function loadHandler(entry: string): Promise<LambdaHandler> {
  let loading = modules.get(entry);
  if (!loading) {
    loading = import(pathToFileURL(resolve(REPO_ROOT, entry)).href).then((mod: { handler?: unknown }) => {
      if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler`);
      return mod.handler as LambdaHandler;
    });
    modules.set(entry, loading);
  }
  return loading;
}

export function lambdaContext(functionName: string): LocalContext {
  const requestId = randomUUID();
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
}

const compiled: CompiledRoute[] = routes.map((route) => {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '/?$',
  );
  return { route, pattern, names };
});

export function matchRoute(method: string, path: string): { route: RouteSpec; params: Record<string, string> } | undefined {
  for (const { route, pattern, names } of compiled) {
    if (route.method !== method.toUpperCase()) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      // Every group of the pattern takes part in a match: one value per name.
      const value = match[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        params[name] = value;
      }
    });
    return { route, params };
  }
  return undefined;
}

export interface LocalRequest {
  method: string;
  path: string;
  rawQueryString?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Verified JWT claims (the local server or a test puts them here). */
  claims?: Record<string, unknown>;
}

function toEvent(request: LocalRequest, route: RouteSpec, params: Record<string, string>): HttpEvent {
  const query = new URLSearchParams(request.rawQueryString ?? '');
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.claims ?? {}))
    claims[name] = typeof value === 'string' ? value : JSON.stringify(value);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: request.path,
    rawQueryString: request.rawQueryString ?? '',
    headers,
    queryStringParameters: Object.keys(queryStringParameters).length ? queryStringParameters : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  };
}

/** Calls the route's handler (or the catch-all's): HTTP API handlers answer a payload v2 response. */
export async function dispatch(request: LocalRequest): Promise<HttpResponse> {
  const matched = matchRoute(request.method, request.path);
  if (!matched) return (await (await loadHandler('functions/system/not-found.ts'))({}, lambdaContext('notFound'))) as HttpResponse;
  const handler = await loadHandler(matched.route.entry);
  return (await handler(toEvent(request, matched.route, matched.params), lambdaContext(matched.route.id))) as HttpResponse;
}
