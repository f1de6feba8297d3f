/**
 * Fuzzing every route of the route table with fast-check, around a valid request by the entitled
 * actor: bodies (wrong types, strings beyond the limits, deep nesting, bodies over 64 KiB, prototype
 * keys, unicode, lone surrogates, NUL), path parameters (traversal, encoded slashes, very long, bad
 * percent-encoding, key fragments), query strings (limit -1/0/101/abc, tampered and foreign cursors,
 * unknown and repeated parameters) and headers (Idempotency-Key too long, non-JSON content types).
 *
 * Cases are invalid by construction: each is checked with the route's own schemas, and a generated
 * case the schemas would accept is discarded (a valid write would change state legitimately). Expected:
 * a 4xx in the spec's format, never a 5xx, and the table unchanged (one snapshot before and after each
 * route). Cases whose validity depends on data (an odd but well-formed id) may answer anything but a
 * 5xx, and must not change the table either. Each route runs a fixed list of adversarial cases plus FUZZ_RUNS random ones (default
 * 15); FUZZ_SEED replays a run. Counts go to reports/security/fuzz.json.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchRoute } from '../../local/router';
import { newId } from '../../shared/ids';
import { routes } from '../../shared/routes';
import { MAX_BODY_BYTES } from '../../shared/http/schemas';
import { send, type ApiRequest, type ApiResponse } from '../support/api';
import type { World } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';
import { undeclaredRoutes, validRequest } from './support/declarations';
import { describeRequest, suiteCounters, type Route } from './support/harness';
import { accepts, fieldPaths, maxLength, objectNodes, schemaAt, shapeKeys, withNode } from './support/schema';
import { diff, snapshot } from './support/snapshot';
import { freshActors, quiesce, victimWorld } from './support/worlds';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const workflow = useLocalWorkflow();
const counters = suiteCounters('fuzz');
let world: World;
/** Cursors of other lists (replayed on a list they were not made for). */
const foreignCursors: string[] = [];
/** Routes whose list gave a real cursor at limit=1, so that the tampered-cursor cases ran on them. */
const routesWithRealCursor: string[] = [];

beforeAll(() => {
  world = victimWorld('fuzz', workflow.runner);
  counters.counts.fuzzRunsPerRoute = FUZZ_RUNS;
});

/** What a case may answer. */
type Expectation =
  | 'invalid' // any 4xx in the spec format (the schemas refuse it, or no route matches)
  | 'data'; // well-formed, depends on data: anything but a 5xx (and the table unchanged)

interface Case {
  label: string;
  request: ApiRequest;
  expect: Expectation;
}

// ---- building cases ----------------------------------------------------------------------------------

const splitPath = (path: string) => {
  const [p = '', q = ''] = path.split('?');
  return { path: p, query: new URLSearchParams(q) };
};
/** The names of a route template's path parameters (`{id}` → `id`). */
const paramNames = (route: Route) => [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
const withQuery = (path: string, query: URLSearchParams) => (query.toString() ? `${path}?${query.toString()}` : path);

/** Replaces the path parameter `name` of the base request's path with an already encoded value. */
function withParam(route: Route, base: ApiRequest, name: string, encoded: string): string {
  const { path, query } = splitPath(base.path);
  const names = paramNames(route);
  const templateParts = route.path.split('/');
  const parts = path.split('/');
  const index = templateParts.indexOf(`{${name}}`);
  if (index < 0 || !names.includes(name)) throw new Error(`no {${name}} in ${route.path}`);
  parts[index] = encoded;
  return withQuery(parts.join('/'), query);
}

/** Whether the route's schemas would accept this request's params, query and body. */
function schemaValid(route: Route, request: ApiRequest): boolean {
  const { path, query } = splitPath(request.path);
  const matched = matchRoute(route.method, path);
  if (!matched || matched.route.id !== route.id) return false;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(matched.params)) params[k] = v;
  if (route.params && !accepts(route.params, params)) return false;
  const q: Record<string, string> = {};
  for (const key of new Set(query.keys())) q[key] = query.getAll(key).join(',');
  if (route.query && !accepts(route.query, q)) return false;
  const text = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return false;
  let body: unknown;
  if (text.trim() === '') body = route.body ? {} : undefined;
  else {
    try {
      body = JSON.parse(text);
    } catch {
      return false;
    }
  }
  if (!route.body)
    return body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!accepts(route.body, body)) return false;
  const key = request.headers?.['Idempotency-Key'];
  return !(route.idempotent && key !== undefined && key.length > 255);
}

const deep = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const rawBodyText = (body: unknown) => (body === undefined ? '{}' : JSON.stringify(body));
/** The valid body's JSON text with `insert` placed as the first member of the top-level object. */
const withRawMember = (body: unknown, insert: string) => {
  const rest = rawBodyText(body).slice(1);
  return `{${insert}${rest === '}' ? '' : ','}${rest}`;
};

/** Odd path parameter values, already percent-encoded as they would arrive. */
const ODD_PARAMS: Array<[string, string]> = [
  ['dot-dot', '..'],
  ['encoded traversal', '%2e%2e%2f%2e%2e%2fadmin'],
  ['encoded slash', 'a%2Fb'],
  ['65 characters', 'a'.repeat(65)],
  ['5000 characters', 'b'.repeat(5000)],
  ['NUL byte', 'abc%00def'],
  ['key fragment', encodeURIComponent('USER#victim')],
  ['bad percent-encoding', '%E0%A4%A'],
  ['unicode', encodeURIComponent('ünï\u202ecødé')],
  ['quote injection', encodeURIComponent("1' OR '1'='1")],
  // Well-formed ids that name nothing: they reach the data (any 4xx; the table must not change).
  ['unknown well-formed id', newId()],
  ['64 characters (the longest id)', 'z'.repeat(64)],
  ['only separators', '-_-_-'],
  ['scoped id with many dashes', 'a-b-c-d-e'],
];

function fixedCases(route: Route, base: ApiRequest, cursors: { real?: string; foreign: string[] }): Case[] {
  const cases: Case[] = [];
  const add = (label: string, request: ApiRequest) =>
    cases.push({ label, request, expect: schemaValid(route, request) ? 'data' : 'invalid' });
  const body = base.body;

  // Bodies.
  for (const [label, text] of [
    ['array', '[]'],
    ['null', 'null'],
    ['string', '"text"'],
    ['number', '42'],
    ['truncated JSON', rawBodyText(body).slice(0, -1) || '{'],
    ['garbage', '{"a":\u0000}'],
    ['deep nesting (5000 arrays)', deepArray(5000)],
    ['deep nesting in a field (3000 objects)', withRawMember(body, `"nested":${deep(3000)}`)],
    ['__proto__ key', withRawMember(body, '"__proto__":{"role":"owner","isAdmin":true}')],
    ['constructor.prototype key', withRawMember(body, '"constructor":{"prototype":{"role":"owner"}}')],
    ['over 64 KiB', withRawMember(body, `"padding":"${'x'.repeat(MAX_BODY_BYTES + 10)}"`)],
  ] as const) {
    add(`body: ${label}`, { ...base, body: text });
  }
  // Every string field, over its limit and as a lone surrogate.
  for (const path of fieldPaths(body)) {
    const schema = schemaAt(route.body, path);
    const max = maxLength(schema) ?? 64;
    add(`body: ${path.join('.')} over ${max}`, { ...base, body: withNode(body, path, () => 'ü'.repeat(max + 1)) });
    add(`body: ${path.join('.')} lone surrogate`, { ...base, body: withNode(body, path, () => 'a\ud800b') });
    add(`body: ${path.join('.')} NUL`, { ...base, body: withNode(body, path, () => 'a\u0000b') });
  }
  // Non-JSON content types (with bodies in that format).
  for (const [type, text] of [
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'name=x&role=owner'],
    ['application/xml', '<name>x</name>'],
    ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XyZ--'],
  ] as const) {
    add(`content-type ${type}`, { ...base, headers: { ...base.headers, 'content-type': type }, body: text });
  }
  // Path parameters.
  for (const name of paramNames(route)) {
    for (const [label, value] of ODD_PARAMS) add(`{${name}}: ${label}`, { ...base, path: withParam(route, base, name, value) });
  }
  // Query strings.
  if (route.query) {
    const { path, query } = splitPath(base.path);
    const q = (mutate: (q: URLSearchParams) => void) => {
      const copy = new URLSearchParams(query);
      mutate(copy);
      return withQuery(path, copy);
    };
    for (const limit of ['-1', '0', '101', 'abc', '1.5', '1e2', '', ' 1', '0x10', '100000', '１'])
      add(`limit=${limit}`, { ...base, path: q((c) => c.set('limit', limit)) });
    add('limit twice', {
      ...base,
      path: q((c) => {
        c.append('limit', '1');
        c.append('limit', '2');
      }),
    });
    add('unknown parameter', { ...base, path: q((c) => c.set('workspaceId', 'x')) });
    const forged = `${Buffer.from(JSON.stringify({ pk: 'USER#victim', sk: 'USER' })).toString('base64url')}.${'A'.repeat(43)}`;
    const cursorsToTry: Array<[string, string]> = [
      ['forged cursor', forged],
      ['cursor without signature', forged.split('.')[0]!],
      ['cursor "."', '.'],
      ['cursor with three parts', 'a.b.c'],
      ['cursor of 2049 characters', 'c'.repeat(2049)],
      ['random cursor', 'eyJwayI6IngifQ.bm90LWEtc2lnbmF0dXJl'],
    ];
    if (cursors.real) {
      // A cursor is version | IV | AES-GCM ciphertext | tag (base64url): change a bit of the tag, then of the ciphertext.
      const bytes = Buffer.from(cursors.real, 'base64url');
      const flip = (at: number) => {
        const copy = Buffer.from(bytes);
        copy[at] = (copy[at] ?? 0) ^ 0x01;
        return copy.toString('base64url');
      };
      cursorsToTry.push(['cursor with a flipped tag', flip(bytes.length - 1)]);
      cursorsToTry.push(['cursor with a changed key', flip(13)]);
    }
    for (const foreign of cursors.foreign) cursorsToTry.push(['cursor of another list', foreign]);
    for (const [label, cursor] of cursorsToTry) {
      // Tampered cursors pass the schema (a string) but never the signature check: invalid by construction.
      cases.push({ label, request: { ...base, path: q((c) => c.set('cursor', cursor)) }, expect: 'invalid' });
    }
  }
  // Headers.
  if (route.idempotent) {
    for (const length of [256, 10_000])
      add(`Idempotency-Key of ${length}`, { ...base, headers: { ...base.headers, 'Idempotency-Key': 'k'.repeat(length) } });
  }
  return cases;
}

/** Values that are wrong for most fields (the schema decides which ones really are). */
const badValue = (max: number) =>
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    fc.integer({ min: max + 1, max: max + 400 }).map((n) => 'x'.repeat(n)),
    fc.string({ unit: 'binary', minLength: max + 1, maxLength: max + 30 }),
    fc.constantFrom('', '   ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202e\u0007', 'a\nb'),
    fc.integer({ min: 50, max: 2000 }).map((d) => JSON.parse(deepArray(d))),
  );

/** A random invalid case of this route (undefined when the route offers nothing to vary there). */
function randomCase(route: Route, base: ApiRequest, fields: Array<Array<string | number>>): fc.Arbitrary<Case | undefined> {
  const options: Array<fc.Arbitrary<Case | undefined>> = [];
  const asCase = (label: string, request: ApiRequest): Case | undefined =>
    schemaValid(route, request) ? undefined : { label, request, expect: 'invalid' };
  const body = base.body === undefined ? {} : base.body;

  // A field replaced by a bad value.
  if (fields.length) {
    options.push(
      fc.constantFrom(...fields).chain((path) =>
        badValue(maxLength(schemaAt(route.body, path)) ?? 64).map((value) =>
          asCase(`body: ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`, {
            ...base,
            body: withNode(body, path, () => value),
          }),
        ),
      ),
    );
  }
  // An unknown member (prototype names included), in some object of the body.
  const nodes = objectNodes(body, route.body);
  options.push(
    fc
      .tuple(
        fc.constantFrom(...nodes.map((n) => n.path)),
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'role', 'pk'),
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([path, key, value]) => {
        const node = nodes.find((n) => n.path === path)!;
        if (Object.keys(node.node).includes(key) || shapeKeys(node.schema).includes(key)) return undefined;
        // Raw JSON text so that "__proto__" stays an own member.
        const marker = `"__fuzz_marker__":0`;
        const text = JSON.stringify(withNode(body, path, (n) => ({ __fuzz_marker__: 0, ...n })));
        return asCase(`body: unknown member ${JSON.stringify(key)} at ${path.join('.') || 'top'}`, {
          ...base,
          body: text.replace(marker, `${JSON.stringify(key)}:${JSON.stringify(value)}`),
        });
      }),
  );
  // The whole body replaced by random JSON or random text.
  options.push(
    fc
      .oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 40 }),
      )
      .map((text) => asCase(`body text ${text.slice(0, 60)}`, { ...base, body: text })),
  );
  // A path parameter replaced by random text (percent-encoded) or a long id-like value.
  const names = paramNames(route);
  if (names.length) {
    options.push(
      fc
        .tuple(
          fc.constantFrom(...names),
          fc.oneof(
            fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
            fc.stringMatching(/^[A-Za-z0-9_-]{65,300}$/),
            fc.constantFrom('..', '.', '%', '%%', '%zz'),
          ),
        )
        .map(([name, value]) => {
          const encoded = /^[.%]/.test(value) ? value : encodeURIComponent(value);
          return asCase(`{${name}} = ${JSON.stringify(value).slice(0, 60)}`, { ...base, path: withParam(route, base, name, encoded) });
        }),
    );
  }
  // Query parameters.
  if (route.query) {
    const { path, query } = splitPath(base.path);
    options.push(
      fc
        .tuple(
          fc.constantFrom('limit', 'cursor', 'status', 'side', 'zzz'),
          fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.string({ minLength: 2049, maxLength: 2100 })),
        )
        .map(([name, value]) => {
          const copy = new URLSearchParams(query);
          copy.set(name, value);
          // A random cursor is never validly signed: invalid even when the schema accepts the string.
          if (name === 'cursor')
            return { label: `cursor=${value.slice(0, 40)}`, request: { ...base, path: withQuery(path, copy) }, expect: 'invalid' as const };
          return asCase(`${name}=${value.slice(0, 40)}`, { ...base, path: withQuery(path, copy) });
        }),
    );
  }
  // A too long Idempotency-Key.
  if (route.idempotent) {
    options.push(
      fc
        .integer({ min: 256, max: 4000 })
        .map((n) => asCase(`Idempotency-Key of ${n}`, { ...base, headers: { ...base.headers, 'Idempotency-Key': 'k'.repeat(n) } })),
    );
  }
  return fc.oneof(...options);
}

function judge(route: Route, c: Case, response: ApiResponse): string[] {
  const problems = counters.observe(response).map((p) => `${c.label}: ${p}`);
  // 'data' cases may even succeed (a GET, or a write that finds nothing to do): the snapshot proves nothing changed.
  const ok = c.expect === 'invalid' ? response.status >= 400 && response.status < 500 : response.status < 500;
  if (!ok) {
    if (response.status < 300) counters.add('accepted');
    problems.push(
      `${c.label}: ${describeRequest(c.request)} -> ${response.status} ${response.text.slice(0, 200)} (expected ${c.expect === 'invalid' ? 'a 4xx' : 'no 5xx'})`,
    );
  }
  return problems;
}

describe('fuzzing every route', () => {
  it('every route has a declaration', () => {
    expect(undeclaredRoutes()).toEqual([]);
  });

  for (const route of routes) {
    it(`${route.id} (${route.method} ${route.path})`, async () => {
      const valid = await validRequest(route, world);
      const base = valid.request;
      // Cursors of the lists fuzzed before this one (this list's own cursor is valid here).
      const cursors: { real?: string; foreign: string[] } = { foreign: foreignCursors.slice(-3) };
      if (route.query && route.method === 'GET') {
        const { path, query } = splitPath(base.path);
        query.set('limit', '1');
        const page = await send({ ...base, path: withQuery(path, query) });
        if (typeof page.body?.nextCursor === 'string') {
          cursors.real = page.body.nextCursor;
          foreignCursors.push(page.body.nextCursor);
          routesWithRealCursor.push(route.id);
        }
      }
      const outsider = (await freshActors()).no_workspace_user;
      await quiesce(workflow.runner);
      const before = await snapshot();
      const problems: string[] = [];

      // Fixed adversarial cases, as the entitled actor and (for what is checked before the rights) as an outsider.
      const fixed = fixedCases(route, base, cursors);
      for (const c of fixed) {
        problems.push(...judge(route, c, await send(c.request)));
        counters.add('fixedCases');
      }
      for (const c of fixed.filter((f) => /cursor|limit|body: (array|__proto__)/.test(f.label))) {
        problems.push(...judge(route, { ...c, label: `outsider, ${c.label}` }, await send({ ...c.request, actor: outsider })));
        counters.add('fixedCases');
      }

      // Random cases.
      const fields = fieldPaths(base.body);
      let ran = 0;
      await fc
        .assert(
          fc.asyncProperty(randomCase(route, base, fields), async (c) => {
            fc.pre(c !== undefined);
            ran++;
            const found = judge(route, c, await send(c.request));
            if (found.length) throw new Error(found.join('\n'));
          }),
          { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true, maxSkipsPerRun: 200 },
        )
        .catch((error: unknown) => problems.push((error as Error).message.split('\n').slice(0, 12).join('\n')));
      counters.add('randomCases', ran);

      expect(({} as any).role, 'Object.prototype polluted').toBeUndefined();
      expect(({} as any).isAdmin, 'Object.prototype polluted').toBeUndefined();
      await quiesce(workflow.runner);
      const changes = diff(before, await snapshot());
      problems.push(...counters.stateChanged(changes));
      // (valid.cleanup is not run: the valid request itself was never sent.)
      expect(problems, route.id).toEqual([]);
    });
  }

  // After every route above (tests of a file run in order): the cursor cases must not have been vacuous.
  it('tampered and foreign cursors were tried: lists gave real cursors at limit=1', () => {
    expect(routesWithRealCursor.length, 'no list returned a nextCursor at limit=1').toBeGreaterThan(0);
  });
});
