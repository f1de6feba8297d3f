/**
 * Every answer the tests get is checked against the contract, docs/openapi.json: `send`
 * (test/support/api.ts) calls `checkAgainstContract` on each response. A status the operation does not
 * declare, a body that does not match the declared schema (ajv, JSON Schema 2020-12, formats checked),
 * or a body on a 204 fails the test with the route, the status and ajv's errors.
 *
 * Validators are compiled lazily, once per operation and status, and cached. Local-only endpoints
 * (`/local/...`, `/openapi.json`, `/docs`) are not part of the contract; a path no route matches gets the
 * catch-all's 404 in the error format.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchRoute, REPO_ROOT } from '../../local/router';

type Json = Record<string, any>;

const DOCUMENT_ID = 'openapi.json';
let document: Json | undefined;
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction | 'no-body'>();

function load(): { doc: Json; ajv: Ajv2020 } {
  if (!document || !ajv) {
    document = JSON.parse(readFileSync(resolve(REPO_ROOT, 'docs/openapi.json'), 'utf8')) as Json;
    // strict off: OpenAPI's own words (description, example...) sit beside the JSON Schema keywords.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: DOCUMENT_ID, components: document.components }, DOCUMENT_ID);
  }
  return { doc: document, ajv };
}

/** The catch-all route's answer (functions/system/not-found.ts). */
const NOT_FOUND = { responses: { 404: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } } };

function validatorFor(operationKey: string, responses: Json, status: number): ValidateFunction | 'no-body' | undefined {
  const key = `${operationKey} ${status}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const response = responses[String(status)] as Json | undefined;
  if (!response) return undefined;
  const schema = response.content?.['application/json']?.schema as Json | undefined;
  const validator = schema
    ? load().ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`)) as Json)
    : 'no-body';
  validators.set(key, validator);
  return validator;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

export interface ContractResponse {
  status: number;
  body: unknown;
  text: string;
}

/** Throws a ContractViolation when the response is not one docs/openapi.json declares for this request. */
export function checkAgainstContract(method: string, path: string, response: ContractResponse): void {
  if (path.startsWith('/local/') || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/')) return;
  const matched = matchRoute(method, path);
  const { doc } = load();
  const operation: Json | undefined = matched
    ? (doc.paths?.[matched.route.path]?.[matched.route.method.toLowerCase()] as Json | undefined)
    : NOT_FOUND;
  const name = matched
    ? `${matched.route.method} ${matched.route.path} (${matched.route.id})`
    : `${method} ${path} (no route: the catch-all)`;
  const fail = (why: string) => {
    throw new ContractViolation(
      `contract (docs/openapi.json): ${name} answered ${response.status}: ${why}\n  body: ${response.text.slice(0, 500)}`,
    );
  };
  if (!operation) return fail('the operation is not in docs/openapi.json (run `npm run openapi`)');
  const validator = validatorFor(matched ? matched.route.id : 'catch-all', operation.responses as Json, response.status);
  if (!validator) return fail(`status not declared (declared: ${Object.keys(operation.responses as Json).join(', ')})`);
  if (validator === 'no-body') {
    if (response.text !== '') fail('a body where the document declares none');
    return;
  }
  if (typeof response.body !== 'object' || response.body === null) return fail('the body is not a JSON object or array');
  if (!validator(response.body)) {
    const errors = (validator.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    fail(`the body does not match the declared schema:\n  ${errors.slice(0, 10).join('\n  ')}`);
  }
}
