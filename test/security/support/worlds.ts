/**
 * The two tenants of the security suites, built through the API with test/support/world.ts:
 *
 * - the attacker's tenant: workspace A (owner, admin, billing admin, member), a team of A with one
 *   active partner per permission (users of workspace G), an active partnership A (host) -> G (guest)
 *   with G's admin and a G member, an unrelated workspace U, and on demand a fresh registered user
 *   in no workspace and a fresh unregistered identity (valid token, no PUT /me);
 * - the victim's tenant: a World (a host workspace with team, work items, partner invitations,
 *   partners, partnerships, accounts, shares, access requests...), whose request builders
 *   (test/support/builders.ts) give, per route, a valid request by the right actor on the victim's
 *   objects: one "valid request per route" for the bench and these suites.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { WorkflowRunner } from '../../../local/workflow-runner';
import { newActor, registered, type Actor } from '../../support/api';
import { storedPartnership } from '../../support/table';
import {
  acceptPartnership,
  invitePartners,
  newMember,
  newTeam,
  newWorkItem,
  newWorkspace,
  requestPartnership,
  World,
} from '../../support/world';

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
  const record = await storedPartnership(partnershipId);
  expect(record, `${partnershipId}: no partnership record`).toBeDefined();
  const status = record!.status as string;
  if (expectedStatus !== undefined) expect(status, partnershipId).toBe(expectedStatus);
  expect(record!.resume, `${partnershipId}: a resume is still pending`).toBeUndefined();
  const execution = runner.execution((record!.executionName as string | undefined) ?? partnershipId);
  // SPEC §10: an active partnership with a term waits for its round, then for its confirmations.
  const waitingAt =
    status === 'active' && record!.term ? (record!.recertification ? 'AwaitRecertification' : 'AwaitRound') : WAITING_AT[status];
  if (waitingAt) expect({ status, waitingAt: execution?.waitingAt }).toEqual({ status, waitingAt });
  else expect({ status, execution: execution?.status }).toEqual({ status, execution: 'SUCCEEDED' });
}

export async function buildAttackerWorld(runner: WorkflowRunner): Promise<AttackerWorld> {
  const tag = randomBytes(3).toString('hex');
  const a = await newWorkspace('a-owner', `Attacker ${tag}`);
  const [admin, billing, member] = [
    await newMember(a, 'admin', 'a-admin'),
    await newMember(a, 'billing_admin', 'a-billing'),
    await newMember(a, 'member', 'a-member'),
  ];

  const g = await newWorkspace('g-owner', `Guest ${tag}`);
  const guestAdmin = await newMember(g, 'admin', 'g-admin');
  const guestMember = await newMember(g, 'member', 'g-member');
  const partners = {
    view: await newMember(g, 'member', 'g-pview'),
    edit: await newMember(g, 'member', 'g-pedit'),
    edit_and_invite: await newMember(g, 'member', 'g-pinvite'),
  };

  const teamId = await newTeam(member, a.workspaceId, `A team ${tag}`);
  await invitePartners(
    a.owner,
    teamId,
    Object.entries(partners).map(([permission, user]) => ({ email: user.email, permission })),
  );
  const workItemId = await newWorkItem(member, teamId, 'A work item');

  const { partnershipId } = await requestPartnership(a.owner, a.workspaceId, {
    guestWorkspaceId: g.workspaceId,
    partnerEmail: guestAdmin.email,
  });
  await runner.waitFor(partnershipId, { state: 'AwaitGuestAcceptance' });
  await acceptPartnership(guestAdmin, partnershipId);
  await runner.waitFor(partnershipId, { status: 'SUCCEEDED' });

  const unrelated = await newWorkspace('u-owner', `Unrelated ${tag}`);

  const actor = ({ userId, email }: Actor): Actor => ({ userId, email });
  return {
    workspaceId: a.workspaceId,
    guestWorkspaceId: g.workspaceId,
    unrelatedWorkspaceId: unrelated.workspaceId,
    teamId,
    workItemId,
    partnershipId,
    actors: {
      owner: actor(a.owner),
      admin: actor(admin),
      billing_admin: actor(billing),
      member: actor(member),
      partner_view: actor(partners.view),
      partner_edit: actor(partners.edit),
      partner_edit_and_invite: actor(partners.edit_and_invite),
      guest_admin: actor(guestAdmin),
      guest_member: actor(guestMember),
      unrelated_workspace_user: actor(unrelated.owner),
    },
  };
}

/** A registered user in no workspace and an unregistered identity, new for each use (they may act). */
export async function freshActors(): Promise<{ no_workspace_user: Actor; unregistered: Actor }> {
  const { userId, email } = await registered('nows', 'No workspace');
  return { no_workspace_user: { userId, email }, unregistered: newActor('unreg') };
}

export function actorFor(world: AttackerWorld, fresh: { no_workspace_user: Actor; unregistered: Actor }, role: Role): Actor | null {
  if (role === 'no_token') return null;
  if (role === 'no_workspace_user' || role === 'unregistered') return fresh[role];
  return world.actors[role];
}

/**
 * The victim tenant: a World over this test file's table. Its fixtures settle on `runner` (the test
 * file's): a partnership they create is returned once its wait task registered its token, so a
 * test's decision takes the ordinary path unless the test races the registration on purpose.
 */
export function victimWorld(label: string, runner: WorkflowRunner): World {
  return new World(label, runner);
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
