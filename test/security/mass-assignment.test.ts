/**
 * Mass assignment, generated from the route table: every write route (POST/PUT/PATCH/DELETE) gets
 * a valid request by the entitled actor plus fields a client must never set (role, status, owner,
 * workspace, keys, versions, tokens...), at the top level and in every nested object, one at a time
 * and all together, and as a raw `__proto__` key. Expected: 400 validation_failed naming the field
 * (routes without a body: "this route takes no body"), and nothing stored (table snapshot unchanged,
 * no idempotency record: the same Idempotency-Key then works for the valid request). The valid
 * request itself is then sent (the control) and succeeds, so the 400s came from the extra fields.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids';
import { routes } from '../../shared/routes';
import { send, type ApiRequest } from '../support/api';
import type { World } from '../support/world';
import { errorCode } from '../support/errors';
import { useLocalWorkflow } from '../support/workflow';
import { undeclaredRoutes, validRequest } from './support/declarations';
import { describeRequest, suiteCounters } from './support/harness';
import { objectNodes, shapeKeys, withNode } from './support/schema';
import { diff, snapshot } from './support/snapshot';
import { quiesce, victimWorld } from './support/worlds';

const workflow = useLocalWorkflow();
const counters = suiteCounters('mass-assignment');
let world: World;

beforeAll(() => {
  world = victimWorld('mass', workflow.runner);
});

const mallory = newId();
/** Fields no request body may set, with values an attacker would like. */
const PRIVILEGED: Record<string, unknown> = {
  role: 'owner',
  status: 'active',
  workspaceId: mallory,
  ownerId: mallory,
  userId: mallory,
  permission: 'edit_and_invite',
  createdBy: mallory,
  hostWorkspaceId: mallory,
  guestWorkspaceId: mallory,
  requesterId: mallory,
  teamId: mallory,
  accountId: mallory,
  type: 'USER',
  pk: `USER#${mallory}`,
  sk: 'USER',
  gsi1pk: `WS#${mallory}#MEMBERS`,
  gsi2pk: 'DUE',
  id: mallory,
  email: 'mallory@evil.example',
  createdAt: '2000-01-01T00:00:00.000Z',
  updatedAt: '2000-01-01T00:00:00.000Z',
  version: 999,
  owners: [{ userId: mallory, email: 'mallory@evil.example' }],
  taskToken: 'forged-token',
  resume: { outcome: 'approved' },
  memberIds: [mallory],
  billing: { plan: 'enterprise' },
  plan: 'enterprise',
  isAdmin: true,
  acceptTerms: true,
  visibility: 'open',
  expiresAt: '2999-01-01T00:00:00.000Z',
  deliveryStatus: 'delivered',
};

const writeRoutes = routes.filter((r) => r.method !== 'GET');

const UNKNOWN_FIELDS = /^unknown field\(s\): (.+)$/;
/**
 * The field names a 400's details report as unknown in the object at `at` (e.g. `body.members.0`),
 * from shared/http/handler.ts's `{ field, issue: "unknown field(s): a, b" }` entries.
 */
function unknownFieldsAt(details: unknown, at: string): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(details)) return names;
  for (const d of details) {
    const match = d?.field === at && typeof d.issue === 'string' ? UNKNOWN_FIELDS.exec(d.issue) : null;
    if (match) for (const name of match[1]!.split(', ')) names.add(name);
  }
  return names;
}

describe('mass assignment on every write route', () => {
  it('every route has a declaration', () => {
    expect(undeclaredRoutes()).toEqual([]);
  });

  for (const route of writeRoutes) {
    it(`${route.id} (${route.method} ${route.path})`, async () => {
      const valid = await validRequest(route, world);
      const base = valid.request;
      const idempotencyKey = route.idempotent ? `ma-${randomUUID()}` : undefined;
      const withKey = (r: ApiRequest): ApiRequest =>
        idempotencyKey ? { ...r, headers: { ...r.headers, 'Idempotency-Key': idempotencyKey } } : r;
      const validBody = base.body === undefined ? {} : base.body;
      const nodes = objectNodes(validBody, route.body);

      // `field`: the extra fields (comma-separated); `at`: the object holding them, as the details name it.
      const cases: Array<{ request: ApiRequest; field: string; at: string }> = [];
      for (const { path, node, schema } of nodes) {
        const allowed = new Set([...Object.keys(node), ...shapeKeys(schema)]);
        const extras = Object.entries(PRIVILEGED).filter(([k]) => !allowed.has(k));
        const at = ['body', ...path].join('.');
        // All at once, in this object.
        cases.push({
          field: extras.map(([k]) => k).join(','),
          at,
          request: withKey({ ...base, body: withNode(validBody, path, (n) => ({ ...n, ...Object.fromEntries(extras) })) }),
        });
        // One at a time at the top level (nested objects: all at once is enough).
        if (path.length === 0)
          for (const [k, v] of extras)
            cases.push({ field: k, at, request: withKey({ ...base, body: withNode(validBody, path, (n) => ({ ...n, [k]: v })) }) });
      }
      // A raw "__proto__" key (JSON.parse makes it an own property; object spread would not).
      const rest = JSON.stringify(validBody).slice(1);
      cases.push({
        field: '__proto__',
        at: 'body',
        request: withKey({ ...base, body: `{"__proto__":{"role":"owner","workspaceId":"${mallory}"}${rest === '}' ? '' : ','}${rest}` }),
      });
      cases.push({
        field: 'constructor',
        at: 'body',
        request: withKey({ ...base, body: `{"constructor":{"prototype":{"role":"owner"}}${rest === '}' ? '' : ','}${rest}` }),
      });

      await quiesce(workflow.runner);
      const before = await snapshot();
      const problems: string[] = [];
      for (const c of cases) {
        const response = await send(c.request);
        counters.add('cases');
        for (const p of counters.observe(response)) problems.push(`${c.field}: ${p}`);
        const details = response.body?.error?.details;
        const unknown = unknownFieldsAt(details, c.at);
        const named = route.body
          ? c.field.split(',').every((f) => unknown.has(f))
          : Array.isArray(details) && details.some((d: any) => d?.field === 'body' && d.issue === 'this route takes no body');
        if (response.status !== 400 || errorCode(response) !== 'validation_failed' || !named) {
          if (response.status < 300) counters.add('accepted');
          problems.push(
            `${c.field}: ${describeRequest(c.request)} -> ${response.status} ${response.text.slice(0, 200)} (expected 400 validation_failed naming the field)`,
          );
        }
      }
      expect(({} as any).role, 'Object.prototype polluted').toBeUndefined();
      await quiesce(workflow.runner);
      const changes = diff(before, await snapshot());
      problems.push(...counters.stateChanged(changes));

      // The control: the valid request (same Idempotency-Key) succeeds.
      const control = await send(withKey(base));
      counters.add('controls');
      if (control.status < 200 || control.status >= 300)
        problems.push(`control: ${describeRequest(base)} -> ${control.status} ${control.text.slice(0, 200)}`);
      await valid.cleanup?.();
      await quiesce(workflow.runner);
      expect(problems, route.id).toEqual([]);
    });
  }
});
