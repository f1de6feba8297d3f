/**
 * The OpenAPI 3.1 document, generated from the route table: the zod schemas that validate requests
 * (with every rule they enforce: patterns, lengths, `minProperties`) and shape responses, each route's
 * own error codes (`RouteSpec.errors`) and the answers every route shares (added here). Written to
 * docs/openapi.json by `npm run openapi` (a test keeps it in step), served at GET /openapi.json, linted
 * by `npm run openapi:lint`, and the source of the typed client (clients/typescript).
 */
import * as z from 'zod/mini';
import type { ErrorStatus, RouteSpec, SuccessStatus } from '../http/route';
import { routes } from '../routes';

type Json = Record<string, unknown>;

/** What every error says (SPEC §1); each response narrows `code` to the codes it can carry. */
const errorSchema: Json = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'A stable, machine-readable code (the enum of each response lists its possible values).' },
        message: { type: 'string', description: 'A sentence for a person; may change.' },
        details: {
          description:
            'What was wrong: for 400 validation_failed, the offending fields (`[{field, issue}]`); for a refused batch, one entry per refused item.',
        },
      },
    },
  },
};

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 401 | 500 | 503, string> = {
  400: 'The request is not valid: malformed JSON, wrong types, unknown fields, out-of-range values (`details` lists the fields). Nothing changed.',
  401: 'No valid bearer token.',
  403: 'The caller may not do this (or has not registered with PUT /me: `not_registered`).',
  404: 'Not found, or not visible to the caller (objects of another tenant answer 404 too).',
  409: 'A conflict with the current state (a duplicate, a wrong state, a concurrent change).',
  422: 'A business rule refused the request.',
  429: 'Too many requests: retry after `Retry-After` seconds.',
  500: 'An unexpected error on the service side (no internals are shown). Retry later.',
  503: 'The service is busy (nothing was written): retry after `Retry-After` seconds.',
};

const SUCCESS_DESCRIPTIONS: Record<SuccessStatus, string> = {
  200: 'Success',
  201: 'Created',
  202: 'Accepted',
  204: 'Done (no body)',
};

/** The feature of a route, from its function's folder (functions/<feature>/...): the document's tags. */
const TAGS: Record<string, { name: string; description: string }> = {
  identity: { name: 'Identity', description: 'The caller: registration (PUT /me) and profile (SPEC §2).' },
  workspaces: { name: 'Workspaces', description: 'Workspaces, members and roles, ownership, billing (SPEC §2).' },
  teams: { name: 'Teams', description: 'Teams, team members and the partners of a team (SPEC §3, §4).' },
  'work-items': { name: 'Work items', description: "A team's work items (SPEC §3)." },
  'partner-invitations': { name: 'Partner invitations', description: 'Users of other workspaces invited into a team (SPEC §4).' },
  partnerships: { name: 'Partnerships', description: 'Host-guest partnerships and their three-stage approval (SPEC §5).' },
  sharing: { name: 'Sharing', description: 'Accounts shared through active partnerships, logins, access requests, activity (SPEC §6).' },
  webhooks: { name: 'Webhooks', description: 'Signed webhook endpoints of a workspace, their secrets and delivery log (SPEC §11).' },
};

export const tagOf = (route: Pick<RouteSpec, 'entry' | 'id'>) => {
  const folder = /^functions\/([^/]+)\//.exec(route.entry)?.[1] ?? '';
  const tag = TAGS[folder];
  if (!tag) throw new Error(`${route.id}: no OpenAPI tag for functions/${folder}/ (add it to TAGS in shared/openapi/document.ts)`);
  return tag.name;
};

/**
 * The JSON Schema of a zod schema, as a request (`input`) or a response (`output`). A schema with
 * `documentAs` metadata is shown as that instead (`limit`: the integer a client sends, which arrives as
 * a string). Named shapes (`s.named`) go to `components.schemas` (collected in `named`) and are referred to.
 */
function schemaOf(schema: z.ZodMiniType, io: 'input' | 'output', named: Map<string, string>): Json {
  const {
    $schema: _ignored,
    $defs,
    ...json
  } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const documented = (jsonSchema as { documentAs?: Json }).documentAs;
      if (!documented) return;
      for (const key of Object.keys(jsonSchema)) Reflect.deleteProperty(jsonSchema, key);
      Object.assign(jsonSchema, documented);
    },
  }) as Json & { $defs?: Record<string, Json> };
  const toComponents = (value: Json): Json => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  for (const [id, definition] of Object.entries($defs ?? {})) {
    const text = JSON.stringify(toComponents(definition));
    const seen = named.get(id);
    if (seen !== undefined && seen !== text) throw new Error(`two different shapes are named ${id} (s.named): give one another name`);
    named.set(id, text);
  }
  return toComponents(json);
}

/** Every error answer of a route: its own codes plus those every route shares (RouteSpec.errors). */
export function errorCodesOf(route: RouteSpec): Map<number, string[]> {
  const codes = new Map<number, string[]>();
  const add = (status: number, ...values: readonly string[]) => {
    const list = codes.get(status) ?? [];
    for (const v of values) if (!list.includes(v)) list.push(v);
    codes.set(status, list);
  };
  // Every route refuses unknown query parameters and a body it does not take: 400 for all.
  add(400, 'validation_failed');
  add(401, 'unauthenticated');
  if ((route.auth ?? 'registered') === 'registered') add(403, 'not_registered');
  for (const [status, values] of Object.entries(route.errors ?? {})) add(Number(status), ...values);
  if (route.access.table === 'readWrite') add(409, 'concurrent_update');
  if (route.idempotent) {
    add(409, 'idempotency_in_progress');
    add(422, 'idempotency_key_reused');
  }
  add(500, 'internal_error');
  add(503, 'service_unavailable');
  return new Map([...codes.entries()].sort(([a], [b]) => a - b));
}

/** The success statuses of a route, each with its description. */
export function successesOf(route: RouteSpec): Map<SuccessStatus, string> {
  const out = new Map<SuccessStatus, string>();
  const main = route.successStatus ?? 200;
  out.set(main, SUCCESS_DESCRIPTIONS[main]);
  for (const [status, description] of Object.entries(route.successes ?? {})) out.set(Number(status) as SuccessStatus, description);
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}

const IDEMPOTENCY_KEY: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A retry with the same key and body within 24 h answers the first response and changes nothing. A key belongs to the caller, the method and the path: the same key with another body or on another path is 422 idempotency_key_reused.',
  schema: { type: 'string', maxLength: 255 },
};

const json = (schema: Json) => ({ 'application/json': { schema } });

function errorResponse(status: number, codes: string[]): Json {
  const response: Json = {
    description: ERROR_DESCRIPTIONS[status as keyof typeof ERROR_DESCRIPTIONS],
    content: json({
      allOf: [
        { $ref: '#/components/schemas/Error' },
        { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } } },
      ],
    }),
  };
  if (status === 429 || status === 503) response.headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
  return response;
}

function operationOf(route: RouteSpec, named: Map<string, string>): Json {
  const parameters: Json[] = [];
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input', named) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      parameters.push({ name, in: location, required: location === 'path' || (json.required ?? []).includes(name), schema: property });
    }
  }
  if (route.idempotent) parameters.push(IDEMPOTENCY_KEY);

  const responses: Json = {};
  for (const [status, description] of successesOf(route)) {
    responses[String(status)] =
      status === 204 || !route.response ? { description } : { description, content: json(schemaOf(route.response, 'output', named)) };
  }
  for (const [status, codes] of errorCodesOf(route)) responses[String(status)] = errorResponse(status, codes);

  const operation: Json = {
    operationId: route.id,
    summary: route.summary,
    tags: [tagOf(route)],
    security: [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
  };
  if (route.body) operation.requestBody = { required: true, content: json(schemaOf(route.body, 'input', named)) };
  operation.responses = responses;
  return operation;
}

export function buildOpenApi(): Json {
  const paths: Record<string, Record<string, unknown>> = {};
  const named = new Map<string, string>();
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route, named);
  const schemas: Record<string, Json> = { Error: errorSchema };
  for (const id of [...named.keys()].sort()) schemas[id] = JSON.parse(named.get(id) ?? '{}') as Json;
  const used = new Set(routes.map(tagOf));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Partnerships service',
      version: '0.1.0',
      summary: 'Team partners and host-guest partnerships between the workspaces of a multi-tenant SaaS.',
      description:
        'The HTTP API of the partnerships service. Every call carries `Authorization: Bearer <JWT>`; the user is the token `sub`. ' +
        'Errors are `{"error": {"code", "message", "details"?}}`; lists take `limit` (1..100, default 25) and an opaque `cursor` and answer ' +
        '`{"items", "nextCursor"}`; creating POSTs accept an `Idempotency-Key`. The rules behind each route are in SPEC.md.',
      license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      {
        url: 'http://127.0.0.1:{port}',
        description: 'The local service (`npm start`; tokens from POST /local/tokens)',
        variables: { port: { default: '3000', description: 'PORT of `npm start`' } },
      },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployment (`npx cdk deploy`; the HttpApiUrl output)',
        variables: {
          apiId: { default: 'your-api-id', description: 'The id of the HTTP API the stack created' },
          region: { default: 'eu-west-1', description: 'The AWS region of the stack' },
        },
      },
    ],
    tags: Object.values(TAGS).filter((tag) => used.has(tag.name)),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An OIDC token (Cognito by default); locally, POST /local/tokens.',
        },
      },
      schemas,
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
      },
    },
  };
}
