/**
 * Seeding through the public API, over HTTP with test/support/api.ts (tokens from the service's
 * POST /local/tokens): a host workspace with a team, its writers (team members and `edit`
 * partners), and per decision connection a requester and a guest workspace of its own.
 */
import { randomBytes } from 'node:crypto';
import { must, newActor, overHttp, type Actor } from '../../test/support/api';

/** An actor with its bearer token (autocannon's requests carry it). */
export interface LoadActor extends Actor {
  token: string;
}

export interface WriterSlot {
  actor: LoadActor;
  /** Member of the team, or an active partner with `edit` from the partner workspace. */
  as: 'member' | 'partner';
}

export interface DecisionSlot {
  /** A plain member of the host workspace: requests, becomes Partnership Owner, removes. */
  requester: LoadActor;
  /** Owner of a guest workspace of its own: accepts. */
  guestAdmin: LoadActor;
  guestWorkspaceId: string;
}

export interface LoadWorld {
  hostId: string;
  teamId: string;
  owner: LoadActor;
  admin: LoadActor;
  member: LoadActor;
  readers: LoadActor[];
  /** Requested by `member`, waiting for the host admin (never decided: read by the read mix). */
  pendingPartnershipId: string;
  activePartnershipId: string;
  writers: WriterSlot[];
  decisionSlots: DecisionSlot[];
  seeded: string[];
  apiCalls: number;
  ms: number;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

export async function seed(base: string, sizes: { writers: number; decisionSlots: number }): Promise<LoadWorld> {
  const started = performance.now();
  const http = overHttp(base);
  const call = <T = any>(actor: Actor, method: string, path: string, body?: unknown) =>
    must<T>({ actor, method, path, body }, `seeding: ${method} ${path}`, http.transport);
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const newUser = async (label: string): Promise<LoadActor> => {
    const actor = newActor(`load-${run}-${label}`);
    await call(actor, 'PUT', '/me', { name: `Load ${label}` });
    return { ...actor, token: await http.token(actor) };
  };
  const partnerWriters = Math.floor(sizes.writers / 3);
  const memberWriters = sizes.writers - partnerWriters;

  // Users register in parallel (independent); everything that changes a shared item (a workspace's
  // membership, the team) is done one call at a time, as an admin would.
  const [owner, admin, member, partnerOwner, activeGuestOwner] = (await inParallel(
    ['owner', 'admin', 'member', 'partner-owner', 'active-guest-owner'],
    5,
    (label) => newUser(label),
  )) as [LoadActor, LoadActor, LoadActor, LoadActor, LoadActor];
  const members = await inParallel(Array.from({ length: memberWriters }), 4, () => newUser('writer'));
  const partners = await inParallel(Array.from({ length: partnerWriters }), 4, () => newUser('partner'));
  const requesters = await inParallel(Array.from({ length: sizes.decisionSlots }), 4, () => newUser('requester'));
  const guestAdmins = await inParallel(Array.from({ length: sizes.decisionSlots }), 4, () => newUser('guest'));

  const { workspaceId: hostId } = await call(owner, 'POST', '/workspaces', { name: `Load host ${run}` });
  const { workspaceId: partnerWorkspaceId } = await call(partnerOwner, 'POST', '/workspaces', { name: `Load partner ${run}` });
  const { workspaceId: activeGuestId } = await call(activeGuestOwner, 'POST', '/workspaces', { name: `Load guest ${run}` });
  const guestWorkspaceIds = await inParallel(guestAdmins, 4, async (guest, i) => {
    const { workspaceId } = await call(guest, 'POST', '/workspaces', { name: `Load guest ${run} ${i}` });
    return workspaceId as string;
  });

  await call(owner, 'POST', `/workspaces/${hostId}/members`, { email: admin.email, role: 'admin' });
  for (const user of [member, ...members, ...requesters]) {
    await call(owner, 'POST', `/workspaces/${hostId}/members`, { email: user.email });
  }
  for (const user of partners) await call(partnerOwner, 'POST', `/workspaces/${partnerWorkspaceId}/members`, { email: user.email });

  const { teamId } = await call(member, 'POST', `/workspaces/${hostId}/teams`, { name: `Load team ${run}`, visibility: 'open' });
  for (const user of [owner, admin, ...members]) await call(member, 'POST', `/teams/${teamId}/members`, { email: user.email });

  // Partners: the admin's invitation is active at once; the member's waits for the admin's approval.
  let invitations = 0;
  for (let i = 0; i < partners.length; i += 20) {
    const batch = partners.slice(i, i + 20).map((p) => ({ email: p.email, permission: 'edit' }));
    await call(admin, 'POST', `/teams/${teamId}/partner-invitations`, { invitations: batch });
    invitations += batch.length;
  }
  const pending = await call(member, 'POST', `/teams/${teamId}/partner-invitations`, {
    invitations: [{ email: partnerOwner.email, permission: 'view' }],
  });
  await call(admin, 'POST', `/partner-invitations/${pending.items[0].invitationId}/approve`);
  invitations += 1;

  const workItems = 10;
  for (let i = 0; i < workItems; i++) {
    await call(i % 2 ? member : owner, 'POST', `/teams/${teamId}/work-items`, {
      title: `Seeded item ${i}`,
      ...(i % 3 === 0 ? { assigneeId: member.userId } : {}),
    });
  }

  // One partnership waits for the host admin; one went through all three stages.
  const { partnershipId: pendingPartnershipId } = await call(member, 'POST', `/workspaces/${hostId}/partnerships`, {
    guestWorkspaceId: partnerWorkspaceId,
    partnerEmail: partnerOwner.email,
    reason: 'We work with them on the launch.',
  });
  const { partnershipId: activePartnershipId } = await call(admin, 'POST', `/workspaces/${hostId}/partnerships`, {
    guestWorkspaceId: activeGuestId,
    partnerEmail: activeGuestOwner.email,
  });
  await call(activeGuestOwner, 'POST', `/partnerships/${activePartnershipId}/accept`, { acceptTerms: true });
  const guestView = await call(activeGuestOwner, 'GET', `/partnerships/${activePartnershipId}`);
  if (guestView.status !== 'active') throw new Error(`seeding: the accepted partnership is ${guestView.status}, not active`);

  const users = 5 + members.length + partners.length + requesters.length + guestAdmins.length;
  return {
    hostId,
    teamId,
    owner,
    admin,
    member,
    readers: [owner, admin, member],
    pendingPartnershipId,
    activePartnershipId,
    writers: [
      ...members.map((actor) => ({ actor, as: 'member' as const })),
      ...partners.map((actor) => ({ actor, as: 'partner' as const })),
    ],
    decisionSlots: requesters.map((requester, i) => ({
      requester,
      guestAdmin: guestAdmins[i] as LoadActor,
      guestWorkspaceId: guestWorkspaceIds[i] as string,
    })),
    seeded: [
      `${users} users, ${3 + guestWorkspaceIds.length} workspaces (host with ${3 + members.length + requesters.length} members)`,
      `1 open team with ${3 + members.length} members and ${invitations} partners (${invitations} partner invitations, 1 approved by the admin)`,
      `${workItems} work items; 2 partnerships (1 awaiting_host_approval, 1 active after the three stages)`,
    ],
    apiCalls: http.requests(),
    ms: Math.round(performance.now() - started),
  };
}
