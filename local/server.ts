/**
 * The local HTTP server: API Gateway's job locally. Verifies bearer tokens like the JWT authorizer,
 * routes through local/router.ts to the real handlers, and serves the local-only endpoints (§9).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TokenAuthority } from './tokens';
import { dispatch, matchRoute } from './router';
import { errorResponse } from '../shared/http/errors';
import type { HttpResponse } from '../shared/http/handler';

/** A local-only endpoint: `METHOD /local/...`, or `METHOD /local/.../*` for any last path segment. */
export type LocalEndpoint = (input: { query: URLSearchParams; body: unknown; path: string }) => Promise<HttpResponse>;

const MAX_REQUEST_BYTES = 1024 * 1024;

export const json = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function readRaw(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: HttpResponse) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
  res.writeHead(response.statusCode ?? 200, headers);
  res.end(response.body ?? '');
}

export interface LocalServerOptions {
  tokens: TokenAuthority;
  endpoints: Map<string, LocalEndpoint>;
}

export function createLocalServer({ tokens, endpoints }: LocalServerOptions): Server {
  // `handle` answers every failure itself (500): the server does not wait on it.
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = await readRaw(req);
      if (raw === undefined) {
        send(res, errorResponse(413, 'payload_too_large', 'The request body is too large.'));
        return;
      }

      const local =
        endpoints.get(`${req.method} ${url.pathname}`) ?? endpoints.get(`${req.method} ${url.pathname.replace(/\/[^/]+$/, '/*')}`);
      if (local) {
        let body: unknown = undefined;
        if (raw.trim()) {
          try {
            body = JSON.parse(raw);
          } catch {
            send(
              res,
              errorResponse(400, 'validation_failed', 'The request body is not valid JSON.', [{ field: 'body', issue: 'malformed JSON' }]),
            );
            return;
          }
        }
        send(res, await local({ query: url.searchParams, body, path: url.pathname }));
        return;
      }

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      let claims: Record<string, unknown> | undefined;
      if (matchRoute(req.method ?? 'GET', url.pathname)) {
        // Like the HTTP API JWT authorizer: no valid bearer token, no call to the function.
        const [, token] = /^Bearer (.+)$/i.exec(headers.authorization ?? '') ?? [];
        claims = token ? await tokens.verify(token.trim()) : undefined;
        if (!claims) {
          send(res, errorResponse(401, 'unauthenticated', 'A valid bearer token is required.'));
          return;
        }
      }
      send(
        res,
        await dispatch({
          method: req.method ?? 'GET',
          path: url.pathname,
          rawQueryString: url.search.replace(/^\?/, ''),
          headers,
          body: raw === '' ? undefined : raw,
          claims,
        }),
      );
    } catch (error) {
      console.error('local server error', error);
      send(res, errorResponse(500, 'internal_error', 'Something went wrong on our side. Try again later.'));
    }
  };
  return createServer((req, res) => void handle(req, res));
}
