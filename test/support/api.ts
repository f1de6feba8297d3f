/**
 * Calls routes in-process through the same router and handler modules the local server uses,
 * with verified claims placed where the JWT authorizer puts them.
 */
import { dispatch } from '../../local/router';
import { randomBytes } from 'node:crypto';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string>;
}

export interface Actor {
  userId: string;
  email: string;
}

export async function call<T = any>(
  actor: Actor | null,
  method: string,
  pathWithQuery: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const [path, rawQueryString = ''] = pathWithQuery.split('?');
  const response = await dispatch({
    method,
    path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    claims: actor ? { sub: actor.userId, email: actor.email } : undefined,
  });
  const text = response.body ?? '';
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave as text
  }
  return { status: response.statusCode ?? 0, body: parsed as T, headers: (response.headers ?? {}) as Record<string, string> };
}

/** A client bound to one actor: api.get('/me'), api.post('/workspaces', {...}). */
export function as(actor: Actor | null) {
  return {
    actor,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>(actor, 'GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>(actor, 'POST', path, body ?? {}, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>(actor, 'PUT', path, body ?? {}, headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>(actor, 'PATCH', path, body ?? {}, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) => call<T>(actor, 'DELETE', path, undefined, headers),
  };
}

let counter = 0;
/** A fresh identity (not yet registered). */
export function newActor(label = 'user'): Actor {
  const suffix = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;
  return { userId: `${label}-${suffix}`, email: `${label}.${suffix}@example.com` };
}

/** A fresh identity, registered with PUT /me. */
export async function registered(label = 'user') {
  const actor = newActor(label);
  const response = await as(actor).put('/me', { name: label });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return as(actor);
}
