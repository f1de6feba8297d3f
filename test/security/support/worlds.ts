/**
 * The two tenants of the security suites, built through the API itself:
 *
 * - the attacker's tenant: workspace A (owner, admin, billing admin, member), a team of A with one
 *   active partner per permission (users of workspace G), an active partnership A (host) -> G (guest)
 *   with G's admin and a G member, an unrelated workspace U, and on demand a fresh registered user
 *   in no workspace and a fresh unregistered identity (valid token, no PUT /me);
 * - the victim's tenant: bench/fixtures.ts's World (a host workspace with team, work items, partner
 *   invitations, partners, partnerships, accounts, shares, access requests...), whose request
 *   builders (bench/builders.ts) give, per route, a valid request by the right actor on the victim's
 *   objects. Reusing them keeps one "valid request per route" for the bench and these suites.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { World } from '../../../bench/fixtures';
import type { BenchEnvironment } from '../../../bench/environment';
import { useRunner } from '../../../bench/workflow';
import { localClient } from '../../../local/dynamodb';
import type { WorkflowRunner } from '../../../local/workflow-runner';
import { getItem } from '../../../shared/data/dynamo';
import { keys } from '../../../shared/store/keys';
import { as, newActor, registered, type Actor } from '../../support/api';

export const ROLES = [
  'owner',
  'admin',
  'billing_admin',
  'member',
  'partner_view',
  'partner_edit',
  'partner_edit_and_invite',
  'guest_admin',
  'guest_member',
  'unrelated_workspace_user',
  'no_workspace_user',
  'unregistered',
  'no_token',
] as const;
export type Role = (typeof ROLES)[number];

export interface AttackerWorld {
  workspaceId: string;
  guestWorkspaceId: string;
  unrelatedWorkspaceId: string;
  teamId: string;
  workItemId: string;
  partnershipId: string;
  /** Actors of the fixed roles (fresh ones come from freshActors). */
  actors: Record<Exclude<Role, 'no_workspace_user' | 'unregistered' | 'no_token'>, Actor>;
}

const must = async <T = any>(response: Promise<{ status: number; body: T }>, what: string): Promise<T> => {
  const r = await response;
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeGreaterThanOrEqual(200);
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
};

/** Waits until no execution of the runner is between states (each waits on a token or has ended). */
export async function quiesce(runner: WorkflowRunner | undefined, timeoutMs = 15_000): Promise<void> {
  if (!runner) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = runner.executionNames().filter((name) => {
      const e = runner.execution(name);
      return e && e.status === 'RUNNING' && !e.waitingAt;
    });
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`workflow executions still moving: ${busy.join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Where an execution waits while its partnership has this status; any other status: the execution ended. */
const WAITING_AT: Record<string, string> = {
  awaiting_host_approval: 'AwaitHostApproval',
  awaiting_guest_acceptance: 'AwaitGuestAcceptance',
  declined_by_guest: 'AwaitResend',
};

/**
 * Once the runner settled, the partnership's record and execution agree: no resume pending, and the
 * execution waits where the record's status says or (any other status) ended SUCCEEDED. With
 * `expectedStatus`, the record must also have that status.
 */
export async function expectRecordAndWorkflowAgree(runner: WorkflowRunner, partnershipId: string, expectedStatus?: string): Promise<void> {
  await quiesce(runner);
  const record = await getItem(keys.partnership(partnershipId));
  expect(record, `${partnershipId}: no partnership record`).toBeDefined();
  const status = record!.status as string;
  if (expectedStatus !== undefined) expect(status, partnershipId).toBe(expectedStatus);
  expect(record!.resume, `${partnershipId}: a resume is still pending`).toBeUndefined();
  const execution = runner.execution((record!.executionName as string | undefined) ?? partnershipId);
  const waitingAt = WAITING_AT[status];
  if (waitingAt) expect({ status, waitingAt: execution?.waitingAt }).toEqual({ status, waitingAt });
  else expect({ status, execution: execution?.status }).toEqual({ status, execution: 'SUCCEEDED' });
}

export async function buildAttackerWorld(runner: WorkflowRunner): Promise<AttackerWorld> {
  const tag = randomBytes(3).toString('hex');
  const owner = await registered('a-owner');
  const workspaceId: string = (await must(owner.post('/workspaces', { name: `Attacker ${tag}` }), 'create A')).workspaceId;
  const join = async (ws: { id: string; owner: typeof owner }, label: string, role: string) => {
    const api = await registered(label);
    await must(ws.owner.post(`/workspaces/${ws.id}/members`, { email: api.actor!.email, role }), `add ${label}`);
    return api;
  };
  const a = { id: workspaceId, owner };
  const [admin, billing, member] = [await join(a, 'a-admin', 'admin'), await join(a, 'a-billing', 'billing_admin'), await join(a, 'a-member', 'member')];

  const guestOwner = await registered('g-owner');
  const guestWorkspaceId: string = (await must(guestOwner.post('/workspaces', { name: `Guest ${tag}` }), 'create G')).workspaceId;
  const g = { id: guestWorkspaceId, owner: guestOwner };
  const guestAdmin = await join(g, 'g-admin', 'admin');
  const guestMember = await join(g, 'g-member', 'member');
  const partners = { view: await join(g, 'g-pview', 'member'), edit: await join(g, 'g-pedit', 'member'), edit_and_invite: await join(g, 'g-pinvite', 'member') };

  const teamId: string = (await must(member.post(`/workspaces/${workspaceId}/teams`, { name: `A team ${tag}`, visibility: 'open' }), 'create TA')).teamId;
  await must(
    owner.post(`/teams/${teamId}/partner-invitations`, {
      invitations: Object.entries(partners).map(([permission, api]) => ({ email: api.actor!.email, permission })),
    }),
    'invite partners into TA',
  );
  const workItemId: string = (await must(member.post(`/teams/${teamId}/work-items`, { title: 'A work item' }), 'create A work item')).workItemId;

  const partnershipId: string = (
    await must(owner.post(`/workspaces/${workspaceId}/partnerships`, { guestWorkspaceId, partnerEmail: guestAdmin.actor!.email }), 'request A->G')
  ).partnershipId;
  await runner.waitFor(partnershipId, { state: 'AwaitGuestAcceptance' });
  await must(guestAdmin.post(`/partnerships/${partnershipId}/accept`, { acceptTerms: true }), 'accept A->G');
  await runner.waitFor(partnershipId, { status: 'SUCCEEDED' });

  const unrelated = await registered('u-owner');
  const unrelatedWorkspaceId: string = (await must(unrelated.post('/workspaces', { name: `Unrelated ${tag}` }), 'create U')).workspaceId;

  return {
    workspaceId,
    guestWorkspaceId,
    unrelatedWorkspaceId,
    teamId,
    workItemId,
    partnershipId,
    actors: {
      owner: owner.actor!,
      admin: admin.actor!,
      billing_admin: billing.actor!,
      member: member.actor!,
      partner_view: partners.view.actor!,
      partner_edit: partners.edit.actor!,
      partner_edit_and_invite: partners.edit_and_invite.actor!,
      guest_admin: guestAdmin.actor!,
      guest_member: guestMember.actor!,
      unrelated_workspace_user: unrelated.actor!,
    },
  };
}

/** A registered user in no workspace and an unregistered identity, new for each use (they may act). */
export async function freshActors(): Promise<{ no_workspace_user: Actor; unregistered: Actor }> {
  const noWorkspace = newActor('nows');
  const registeredResponse = await as(noWorkspace).put('/me', { name: 'No workspace' });
  expect(registeredResponse.status).toBe(201);
  return { no_workspace_user: noWorkspace, unregistered: newActor('unreg') };
}

export function actorFor(world: AttackerWorld, fresh: { no_workspace_user: Actor; unregistered: Actor }, role: Role): Actor | null {
  if (role === 'no_token') return null;
  if (role === 'no_workspace_user' || role === 'unregistered') return fresh[role];
  return world.actors[role];
}

/**
 * The victim tenant: a bench World over this test file's table. Its fixtures settle on `runner` (the
 * test file's): a partnership they create is returned once its wait task registered its token, so a
 * test's decision takes the ordinary path unless the test races the registration on purpose.
 */
export function victimWorld(label: string, runner: WorkflowRunner): World {
  useRunner(runner);
  const environment: BenchEnvironment = {
    endpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName: process.env.TABLE_NAME!,
    raw: localClient(process.env.DYNAMODB_ENDPOINT!),
    stop: async () => undefined,
  };
  return new World(label, 0, environment, 1);
}

/**
 * Identifier-like strings (ids, e-mails: 8+ characters with a digit, no spaces, no '#') of the
 * items in `json` strings: what must never show up in another tenant's responses.
 */
export function identifiers(strings: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of strings) if (s.length >= 8 && /^[A-Za-z0-9_.@+-]+$/.test(s) && /\d/.test(s)) out.add(s);
  return out;
}
