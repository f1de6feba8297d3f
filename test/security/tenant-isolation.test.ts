/**
 * Tenant isolation, generated from the route table: every route, called by every role of an
 * attacker tenant against the objects of a victim tenant. Expected (SPEC §1, §2, §4, §5, §6): no
 * 2xx, no 5xx, 401 without a token, 403 not_registered before PUT /me, 404 not_found for everyone
 * else (the victim's objects are unknown to them), answers in the spec's error format with none of
 * the victim's identifiers, and the same answer for a victim object as for an id that does not exist
 * (no existence oracle). The table is snapshotted before and after each route's row: nothing changes.
 * The victim's own request is then sent (the control): it succeeds, so the refusals were not caused
 * by a broken request. Routes acting on the caller only (PUT/GET /me, POST /workspaces) are declared
 * `self` with their own attack (a token with the victim's e-mail; the victim's Idempotency-Key).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids';
import { routes } from '../../shared/routes';
import { send, type ApiRequest, type ApiResponse } from '../support/api';
import type { World } from '../support/world';
import { errorCode } from '../support/errors';
import { useLocalWorkflow } from '../support/workflow';
import { declarations, tenantExpectation, undeclaredRoutes, victimRequest } from './support/declarations';
import { describeRequest, fillPath, leaksIn, paramsOf, suiteCounters } from './support/harness';
import { diff, isActivityOrOutbox, snapshot, stringsOf, type Change } from './support/snapshot';
import {
  actorFor,
  buildAttackerWorld,
  freshActors,
  identifiers,
  quiesce,
  ROLES,
  victimWorld,
  type AttackerWorld,
  type Role,
} from './support/worlds';

const workflow = useLocalWorkflow();
const counters = suiteCounters('tenant-isolation');

let attacker: AttackerWorld;
let victim: World;
/** Every string of the table once the attacker's tenant exists: what the attackers may know. */
let attackerKnown: Set<string>;

const parsedStrings = new Map<string, string[]>();
const stringsCached = (json: string) => {
  let strings = parsedStrings.get(json);
  if (!strings) parsedStrings.set(json, (strings = stringsOf(json)));
  return strings;
};

beforeAll(async () => {
  attacker = await buildAttackerWorld(workflow.runner);
  await quiesce(workflow.runner);
  attackerKnown = new Set([...(await snapshot()).values()].flatMap(stringsCached));
  victim = victimWorld('victim', workflow.runner);
}, 120_000);

const SCOPED_ID = /^([A-Za-z0-9_]{1,40})-([A-Za-z0-9_-]{1,40})$/;
/**
 * Ids that exist nowhere, of the same shape: fully random, and for a scoped id ("<scope>-<suffix>":
 * work items and invitations carry their team, access requests their partnership, accounts their
 * workspace) also the real scope with a random suffix.
 */
const ghostIds = (value: string): string[] => {
  const scoped = SCOPED_ID.exec(value);
  return scoped ? [`${newId()}-${newId().slice(0, 12)}`, `${scoped[1]}-${newId().slice(0, 12)}`] : [newId()];
};

/** Whether a change is one the declaration allows (own state of a self route, logged refusals). */
function allowedChange(change: Change, ownActors: string[], secrets: string[], refusalLogged: boolean): boolean {
  if (refusalLogged && isActivityOrOutbox(change.key)) return true;
  if (change.kind === 'removed' || ownActors.length === 0) return false;
  const texts = [change.after!, ...(change.before ? [change.before] : [])];
  const mentionsOwnActor = ownActors.some((id) => change.after!.includes(id));
  const touchesVictim = texts.some((t) => secrets.some((s) => t.includes(s)));
  return mentionsOwnActor && !touchesVictim;
}

describe('tenant isolation matrix', () => {
  it('every route of the route table has a declaration', () => {
    counters.add('routes', routes.length);
    expect(undeclaredRoutes(), 'add these routes to test/security/support/declarations.ts').toEqual([]);
    expect(
      Object.keys(declarations).filter((id) => !routes.some((r) => r.id === id)),
      'declarations of routes that no longer exist',
    ).toEqual([]);
  });

  for (const route of routes) {
    it(`${route.id} (${route.method} ${route.path})`, async () => {
      const declared = declarations[route.id];
      expect(declared, `no declaration for ${route.id}: add it to test/security/support/declarations.ts`).toBeDefined();
      const declaration = declared!;
      const scope = declaration.scope ?? 'tenant';
      const expectFor = declaration.expect ?? tenantExpectation;

      const fresh = await freshActors();
      const target = await victimRequest(route, victim);
      await quiesce(workflow.runner);
      const before = await snapshot();
      const known = new Set([...attackerKnown, ...Object.values(fresh).flatMap((a) => [a.userId, a.email])]);
      const secrets = [...identifiers([...before.values()].flatMap(stringsCached))].filter((s) => !known.has(s));

      const problems: string[] = [];
      const ownActors: string[] = [];
      const answers = new Map<Role, { request: ApiRequest; response: ApiResponse }>();
      if (scope === 'tenant') expect(secrets.length, 'the victim has identifiers to look for').toBeGreaterThan(0);
      // The roles' calls are independent (all refused): sent together, checked in role order.
      const sent = await Promise.all(
        ROLES.map(async (role) => {
          const actor = actorFor(attacker, fresh, role);
          const request: ApiRequest = declaration.attack
            ? declaration.attack({ role, actor, victim: target })
            : {
                ...target.request,
                actor,
                // A refused creating POST must not leave an idempotency record behind either.
                headers: { ...target.request.headers, ...(route.idempotent ? { 'Idempotency-Key': `attack-${randomUUID()}` } : {}) },
              };
          return { role, actor, request, response: await send(request) };
        }),
      );
      for (const { role, actor, request, response } of sent) {
        const expected = expectFor(role);
        answers.set(role, { request, response });
        counters.add('matrixCells');
        const label = `${role}: ${describeRequest(request)} -> ${response.status} ${response.text.slice(0, 160)}`;
        if (response.status !== expected.status || (expected.code !== undefined && errorCode(response) !== expected.code)) {
          problems.push(`${label} (expected ${expected.status}${expected.code ? ` ${expected.code}` : ''})`);
          if (response.status < 300) counters.add('unexpected2xx');
        }
        for (const problem of counters.observe(response)) problems.push(`${role}: ${problem}`);
        const leaks = leaksIn(response, request, secrets);
        if (leaks.length) {
          counters.add('leaks');
          problems.push(`${role}: the response names the victim's ${leaks.join(', ')}: ${response.text.slice(0, 200)}`);
        }
        if (response.status < 300) {
          const failed = declaration.checkSuccess?.({ role, body: response.body, victim: target });
          if (failed) problems.push(`${role}: ${failed}`);
          if (actor && declaration.mayChangeOwnState?.includes(role)) ownActors.push(actor.userId);
        }
      }

      // No existence oracle: a victim object and an id that exists nowhere get the same answer.
      if (scope === 'tenant' && route.path.includes('{')) {
        for (const role of ['owner', 'member'] as const) {
          const real = answers.get(role)!;
          const params = paramsOf(route, real.request.path);
          const query = real.request.path.includes('?') ? `?${real.request.path.split('?')[1]}` : '';
          const shape = (r: ApiResponse) =>
            JSON.stringify({ status: r.status, code: r.body?.error?.code, message: r.body?.error?.message });
          for (const [name, value] of Object.entries(params)) {
            for (const ghost of ghostIds(value)) {
              const ghostPath = fillPath(route, { ...params, [name]: ghost });
              const answer = await send({ ...real.request, path: `${ghostPath}${query}` });
              counters.add('oracleChecks');
              if (shape(answer) !== shape(real.response)) {
                counters.add('oracleMismatches');
                problems.push(
                  `${role}: existence oracle on {${name}}: victim object -> ${shape(real.response)}, ${ghost} -> ${shape(answer)}`,
                );
              }
            }
          }
        }
      }

      await quiesce(workflow.runner);
      const allChanges = diff(before, await snapshot());
      const changes = allChanges.filter((c) => !allowedChange(c, ownActors, secrets, declaration.refusalLogged ?? false));
      if (declaration.refusalLogged) {
        const logged = allChanges.filter((c) => isActivityOrOutbox(c.key)).length;
        counters.add('loggedRefusals', logged);
        if (logged)
          counters.notes.push(
            `${route.id}: ${logged} activity entries written by ${ROLES.length} refused attacker calls (refusals are logged by design)`,
          );
      }
      problems.push(...counters.stateChanged(changes));

      // The control: the victim's own request is a valid one.
      const control = await send(target.request);
      counters.add('controls');
      if (control.status < 200 || control.status >= 300) {
        problems.push(
          `control: the victim's own ${describeRequest(target.request)} -> ${control.status} ${control.text.slice(0, 200)} (fix the declaration's victim request)`,
        );
      }
      await target.cleanup?.();
      await quiesce(workflow.runner);

      expect(problems, `${route.id} against ${declaration.target}`).toEqual([]);
    });
  }
});

describe('cross-tenant references inside the attacker’s own objects', () => {
  it('ids of the victim in bodies and spliced ids are refused, and change nothing', async () => {
    const a = attacker.actors;
    const victimOwner = await victim.owner();
    const victimMember = await victim.member();
    const victimTeam = await victim.team();
    const victimItem = await victim.workItem();
    const victimPartner = await victim.activePartner();
    const pending = await victim.pendingInvitation('splice');
    await quiesce(workflow.runner);
    const A = attacker.workspaceId;
    const TA = attacker.teamId;
    const suffixOf = (id: string) => id.slice(id.indexOf('-') + 1);
    const cases: Array<{ request: ApiRequest; status: number[]; why: string }> = [
      {
        why: 'transfer A to a victim user',
        request: { actor: a.owner, method: 'POST', path: `/workspaces/${A}/ownership-transfer`, body: { userId: victimOwner.userId } },
        status: [422],
      },
      {
        why: 'change the role of a victim user through A',
        request: { actor: a.owner, method: 'PATCH', path: `/workspaces/${A}/members/${victimMember.userId}`, body: { role: 'admin' } },
        status: [404],
      },
      {
        why: 'remove a victim user through A',
        request: { actor: a.owner, method: 'DELETE', path: `/workspaces/${A}/members/${victimOwner.userId}` },
        status: [404],
      },
      {
        why: 'add a victim user to a team of A',
        request: { actor: a.member, method: 'POST', path: `/teams/${TA}/members`, body: { email: victimMember.email } },
        status: [422],
      },
      {
        why: 'change a victim user in a team of A',
        request: { actor: a.owner, method: 'PATCH', path: `/teams/${TA}/members/${victimMember.userId}`, body: { role: 'admin' } },
        status: [404],
      },
      {
        why: 'assign a new work item of A to a victim user',
        request: {
          actor: a.member,
          method: 'POST',
          path: `/teams/${TA}/work-items`,
          body: { title: 'x', assigneeId: victimMember.userId },
        },
        status: [422],
      },
      {
        why: 'assign a work item of A to a victim user',
        request: { actor: a.member, method: 'PATCH', path: `/work-items/${attacker.workItemId}`, body: { assigneeId: victimOwner.userId } },
        status: [422],
      },
      {
        why: "change a victim team's partner through A's team",
        request: { actor: a.owner, method: 'PATCH', path: `/teams/${TA}/partners/${victimPartner.userId}`, body: { permission: 'view' } },
        status: [404],
      },
      {
        why: "remove a victim team's partner through A's team",
        request: { actor: a.owner, method: 'DELETE', path: `/teams/${TA}/partners/${victimPartner.userId}` },
        status: [404],
      },
      {
        why: 'add a victim user as owner of A->G',
        request: {
          actor: a.owner,
          method: 'POST',
          path: `/partnerships/${attacker.partnershipId}/owners`,
          body: { userId: victimOwner.userId },
        },
        status: [422],
      },
      {
        why: "a victim work item's suffix under A's team id",
        request: { actor: a.owner, method: 'PATCH', path: `/work-items/${TA}-${suffixOf(victimItem)}`, body: { title: 'spliced' } },
        status: [404],
      },
      {
        why: "A's work item suffix under the victim team id",
        request: {
          actor: a.owner,
          method: 'PATCH',
          path: `/work-items/${victimTeam}-${suffixOf(attacker.workItemId)}`,
          body: { title: 'spliced' },
        },
        status: [404],
      },
      {
        why: "a victim invitation's suffix under A's team id",
        request: { actor: a.owner, method: 'POST', path: `/partner-invitations/${TA}-${suffixOf(pending.invitationId)}/approve` },
        status: [404],
      },
      {
        why: 'approve a victim invitation as a partner of A',
        request: { actor: a.partner_edit_and_invite, method: 'POST', path: `/partner-invitations/${pending.invitationId}/approve` },
        status: [404],
      },
      {
        why: 'a work item id without a team part',
        request: { actor: a.owner, method: 'PATCH', path: `/work-items/${suffixOf(victimItem).replace(/-/g, '')}`, body: { title: 'x' } },
        status: [404],
      },
    ];
    const before = await snapshot();
    const problems: string[] = [];
    for (const c of cases) {
      const response = await send(c.request);
      counters.add('crossReferenceCases');
      for (const p of counters.observe(response)) problems.push(`${c.why}: ${p}`);
      if (!c.status.includes(response.status))
        problems.push(
          `${c.why}: ${describeRequest(c.request)} -> ${response.status} ${response.text.slice(0, 200)} (expected ${c.status.join('/')})`,
        );
    }
    const changes = diff(before, await snapshot());
    problems.push(...counters.stateChanged(changes));
    expect(problems).toEqual([]);
  });
});
