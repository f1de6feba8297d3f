/**
 * `GET /docs` (local only): the API reference of docs/openapi.json, rendered by Scalar
 * (@scalar/api-reference, its standalone browser bundle served from node_modules at
 * `GET /docs/scalar.js`: no CDN, no request leaves the machine). The page reads `GET /openapi.json`;
 * its "try it" client sends requests to this server (get a token from POST /local/tokens).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { HttpResponse } from '../shared/http/handler';
import { REPO_ROOT } from './router';

/** The standalone browser bundle of @scalar/api-reference (its `browser` entry; not in its `exports`). */
const SCALAR_BUNDLE = resolve(REPO_ROOT, 'node_modules/@scalar/api-reference/dist/browser/standalone.js');

let bundle: Promise<string> | undefined;

/**
 * Scalar's configuration: the document, this server, every tag open; nothing from the network (system
 * fonts, no telemetry, no hosted AI agent or MCP generator).
 */
const CONFIGURATION = {
  url: '/openapi.json',
  withDefaultFonts: false,
  customCss: ':root { --scalar-font: system-ui, sans-serif; --scalar-font-code: ui-monospace, monospace; }',
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
  defaultOpenAllTags: true,
  authentication: { preferredSecurityScheme: 'bearer' },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Partnerships service: API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/scalar.js"></script>
    <script>
      Scalar.createApiReference('#reference', {
        ...${JSON.stringify(CONFIGURATION)},
        servers: [{ url: window.location.origin, description: 'This local server' }],
      });
    </script>
  </body>
</html>
`;

export const docsPage = (): Promise<HttpResponse> =>
  Promise.resolve({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: PAGE });

export async function docsScript(): Promise<HttpResponse> {
  bundle ??= readFile(SCALAR_BUNDLE, 'utf8');
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' },
    body: await bundle,
  };
}
