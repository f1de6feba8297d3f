/**
 * In-process API calls through local/router.ts dispatch (the local server's and the tests' path),
 * with verified claims placed where the JWT authorizer puts them.
 */
import { randomBytes } from 'node:crypto';
import { dispatch, matchRoute } from '../local/router';

export interface Actor {
  userId: string;
  email: string;
}

export interface ApiRequest {
  actor: Actor | null;
  method: string;
  /** Path with an optional ?query. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(request: ApiRequest): Promise<ApiResponse<T>> {
  const [path, rawQueryString = ''] = request.path.split('?');
  const response = await dispatch({
    method: request.method,
    path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    claims: request.actor ? { sub: request.actor.userId, email: request.actor.email } : undefined,
  });
  let body: unknown = response.body;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode ?? 0, body: body as T };
}

/** Whether the route table has a route for this method and concrete path. */
export const routeExists = (method: string, path: string) => matchRoute(method, path.split('?')[0]) !== undefined;

let counter = 0;
/** A fresh identity; the e-mail embeds the id so cloned rows get distinct e-mails too. */
export function newActor(label: string): Actor {
  const userId = `${label}-${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(4).toString('hex')}`.toLowerCase();
  return { userId, email: `${userId}@bench.example.com` };
}

export class FixtureUnavailable extends Error {}

/** Calls and insists on a 2xx: otherwise the fixture step is unavailable (route missing or failing). */
export async function must<T = any>(request: ApiRequest, what: string): Promise<T> {
  if (!routeExists(request.method, request.path)) {
    const template = request.path.split('?')[0].replace(/\/[^/]*\d[^/]*/g, '/{id}');
    throw new FixtureUnavailable(`${what}: route ${request.method} ${template} not in the route table yet`);
  }
  const response = await call<T>(request);
  if (response.status < 200 || response.status >= 300) {
    const error = (response.body as any)?.error;
    throw new FixtureUnavailable(`${what}: ${request.method} answered ${response.status} ${error?.code ?? ''}`.trim());
  }
  return response.body;
}
