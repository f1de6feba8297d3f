/**
 * The one API client of the tests, the security suites, the bench and the load script's seeding.
 * A request goes in-process through local/router.ts `dispatch` (the local server's own path), with
 * verified claims placed where the JWT authorizer puts them; `overHttp(url)` sends it to a running
 * local service instead (claims become a token from its POST /local/tokens).
 *
 *   const ada = await registered('ada');             // a Client: an Actor that can call
 *   const created = await ada.post('/workspaces', { name: 'Acme' });
 *   const raw = await send({ actor: ada, method: 'GET', path: '/me', body: '{"x"', claims: { sub: 'x' } });
 *   const { workspaceId } = await must<{ workspaceId: string }>({ actor: ada, method: 'POST', ... }, 'create a workspace');
 */
import { randomBytes } from 'node:crypto';
import { dispatch, matchRoute, type LocalRequest } from '../../local/router';
import { checkAgainstContract } from './contract';

export interface Actor {
  userId: string;
  email: string;
}

export interface ApiRequest {
  actor: Actor | null;
  method: string;
  /** Path, optionally with ?query (sent as the raw query string). */
  path: string;
  /** An object is sent as JSON; a string is sent as it is (malformed JSON, huge bodies...). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Claims in place of the actor's { sub, email } (e.g. another e-mail in a valid token). */
  claims?: Record<string, unknown>;
}

export interface ApiResponse<T = any> {
  status: number;
  /** The parsed JSON body; the text when it is not JSON; undefined when empty. */
  body: T;
  text: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

/** Carries a request to the service and brings back its answer (in-process: `dispatch`). */
export type Transport = (request: LocalRequest) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;

export async function send<T = any>(request: ApiRequest, transport: Transport = dispatch): Promise<ApiResponse<T>> {
  const [path = '', rawQueryString = ''] = request.path.split('?');
  const claims = request.claims ?? (request.actor ? { sub: request.actor.userId, email: request.actor.email } : undefined);
  const response = await transport({
    method: request.method,
    path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    claims,
  });
  const text = response.body ?? '';
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const status = response.statusCode ?? 0;
  // Every answer must be one docs/openapi.json declares (status and body): a test fails otherwise.
  checkAgainstContract(request.method, path, { status, body, text });
  return { status, body: body as T, text, headers };
}

/** Whether the route table has a route for this method and concrete path. */
export const routeExists = (method: string, path: string) => matchRoute(method, path.split('?')[0] ?? '') !== undefined;

/** A fixture step that could not be made (route missing or answering non-2xx): the bench reports it, a test fails on it. */
export class FixtureUnavailable extends Error {}

/** Sends a fixture step and insists on a 2xx; returns the body. */
export async function must<T = any>(request: ApiRequest, what: string, transport?: Transport): Promise<T> {
  if (!routeExists(request.method, request.path)) {
    const template = (request.path.split('?')[0] ?? '').replace(/\/[^/]*\d[^/]*/g, '/{id}');
    throw new FixtureUnavailable(`${what}: route ${request.method} ${template} not in the route table`);
  }
  const response = await send<T>(request, transport);
  if (response.status < 200 || response.status >= 300) {
    throw new FixtureUnavailable(`${what}: ${request.method} ${request.path} answered ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response.body;
}

// ---- clients bound to an actor ----------------------------------------------------------------------

type Headers = Record<string, string>;
export interface Calls {
  get<T = any>(path: string, headers?: Headers): Promise<ApiResponse<T>>;
  /** The body defaults to {} (post, put, patch). */
  post<T = any>(path: string, body?: unknown, headers?: Headers): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Headers): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Headers): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, headers?: Headers): Promise<ApiResponse<T>>;
}

/** An actor that can call: `ada.post('/workspaces', {...})`; usable wherever an Actor is. */
export type Client = Actor & Calls;

/** Calls as this actor (null: without a token). */
export function as(actor: Actor): Client;
export function as(actor: null): Calls;
export function as(actor: Actor | null): Calls {
  const identity = actor && { userId: actor.userId, email: actor.email };
  const call = (method: string, path: string, body?: unknown, headers?: Headers) => send({ actor: identity, method, path, body, headers });
  const calls: Calls = {
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
    put: (path, body, headers) => call('PUT', path, body ?? {}, headers),
    patch: (path, body, headers) => call('PATCH', path, body ?? {}, headers),
    delete: (path, headers) => call('DELETE', path, undefined, headers),
  };
  return identity ? { ...identity, ...calls } : calls;
}

let serial = 0;
/**
 * A fresh identity (not registered). Its e-mail embeds its id, so rows the bench clones with the id
 * replaced get distinct e-mails too.
 */
export function newActor(label = 'user'): Actor {
  const userId = `${label}-${Date.now().toString(36)}${(serial++).toString(36)}${randomBytes(3).toString('hex')}`.toLowerCase();
  return { userId, email: `${userId}@example.com` };
}

/** A fresh identity, registered with PUT /me under `name`. */
export async function registered(label = 'user', name = label): Promise<Client> {
  const client = as(newActor(label));
  await must({ actor: client, method: 'PUT', path: '/me', body: { name } }, `register ${label}`);
  return client;
}

export const uid = (actor: Actor) => actor.userId;
export const emailOf = (actor: Actor) => actor.email;

// ---- over HTTP -----------------------------------------------------------------------------------------

/**
 * A transport to a running local service (`npm start`; scripts/load/seed.ts): a request's claims become a
 * bearer token from its POST /local/tokens (one per identity, cached). `requests` counts every HTTP
 * request sent, token requests included.
 */
export function overHttp(baseUrl: string, timeoutMs = 30_000) {
  let requests = 0;
  const tokens = new Map<string, Promise<string>>();
  const http = async (path: string, init: RequestInit) => {
    requests++;
    const response = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  };
  const tokenFor = (claims: Record<string, unknown>) => {
    const key = JSON.stringify(claims);
    let token = tokens.get(key);
    if (!token) {
      token = http('/local/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: key }).then((r) => {
        if (r.statusCode !== 201) throw new Error(`POST /local/tokens answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
        return (JSON.parse(r.body) as { token: string }).token;
      });
      tokens.set(key, token);
    }
    return token;
  };
  const transport: Transport = async ({ method, path, rawQueryString, headers, body, claims }) => {
    const authorization: Headers = claims ? { authorization: `Bearer ${await tokenFor(claims)}` } : {};
    return http(`${path}${rawQueryString ? `?${rawQueryString}` : ''}`, { method, headers: { ...headers, ...authorization }, body });
  };
  return {
    transport,
    /** The bearer token of this actor (for requests sent by other means, e.g. autocannon). */
    token: (actor: Actor) => tokenFor({ sub: actor.userId, email: actor.email }),
    requests: () => requests,
  };
}
