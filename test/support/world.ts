/**
 * The one fixture builder, through the API only: the integration tests, the security suites and the
 * bench build their worlds with it (the bench then fills lists by cloning rows: bench/seed.ts).
 *
 * - Steps: `newWorkspace`, `newMember`, `newTeam`, `requestPartnership`, `acceptPartnership`... each
 *   one request (fixture steps `must` succeed, else FixtureUnavailable says which and why).
 * - `hostAndGuest()`: the host-guest world of the partnership and sharing tests.
 * - `World`: a world of memoized steps (a host workspace with owner, admin and members, a team with
 *   work items and partners, a guest workspace, an active partnership with a shared account...), whose
 *   objects the per-route request builders (builders.ts) act on for the bench and the security suites.
 *   A failed step is memoized too, so everything that needs it reports the same reason.
 */
import type { WaitTarget } from '../../local/workflow-runner';
import { UseCaseContext } from '../../shared/context';
import type { WorkspaceRole } from '../../shared/domain/identity';
import { ROUND_OPENS_BEFORE_MS } from '../../shared/domain/partnership-term';
import { processDuePartnership } from '../../shared/features/partnerships/due';
import { must, registered, type Actor, type Client } from './api';

export type Id = string;

export interface Workspace {
  workspaceId: Id;
  owner: Client;
}

/** What waits for a partnership's execution (the local workflow runner, or a test file's useLocalWorkflow). */
export interface Waiter {
  waitFor(executionName: string, target: WaitTarget, options?: { timeoutMs?: number }): Promise<unknown>;
}

// ---- steps --------------------------------------------------------------------------------------------

export async function createWorkspace(owner: Client, name: string): Promise<Workspace> {
  const { workspaceId } = await must<{ workspaceId: Id }>(
    { actor: owner, method: 'POST', path: '/workspaces', body: { name } },
    'create a workspace',
  );
  return { workspaceId, owner };
}

/** A new workspace owned by a freshly registered user. */
export async function newWorkspace(ownerLabel = 'owner', name = 'Acme'): Promise<Workspace> {
  return createWorkspace(await registered(ownerLabel), name);
}

/** `user` added to the workspace by its owner, with that role. */
export async function addMember(ws: Workspace, user: Client, role: WorkspaceRole = 'member'): Promise<Client> {
  await must(
    { actor: ws.owner, method: 'POST', path: `/workspaces/${ws.workspaceId}/members`, body: { email: user.email, role } },
    `add a workspace ${role}`,
  );
  return user;
}

/** A freshly registered user added to the workspace with that role. */
export async function newMember(ws: Workspace, role: WorkspaceRole = 'member', label: string = role): Promise<Client> {
  return addMember(ws, await registered(label), role);
}

export async function newTeam(by: Actor, workspaceId: Id, name: string, visibility: 'open' | 'private' = 'open'): Promise<Id> {
  const { teamId } = await must<{ teamId: Id }>(
    { actor: by, method: 'POST', path: `/workspaces/${workspaceId}/teams`, body: { name, visibility } },
    'create a team',
  );
  return teamId;
}

/** Partner invitations into a team: by a workspace Owner/Admin active at once, by a team member pending. */
export async function invitePartners(by: Actor, teamId: Id, invitations: Array<{ email: string; permission: string }>): Promise<Id[]> {
  const { items } = await must<{ items: Array<{ invitationId: Id }> }>(
    { actor: by, method: 'POST', path: `/teams/${teamId}/partner-invitations`, body: { invitations } },
    'invite team partners',
  );
  return items.map((i) => i.invitationId);
}

export async function newWorkItem(by: Actor, teamId: Id, title: string): Promise<Id> {
  const { workItemId } = await must<{ workItemId: Id }>(
    { actor: by, method: 'POST', path: `/teams/${teamId}/work-items`, body: { title } },
    'create a work item',
  );
  return workItemId;
}

export interface PartnershipRequest {
  guestWorkspaceId: Id;
  partnerEmail: string;
  reason?: string;
  termDays?: number;
}

/** POST /workspaces/{host}/partnerships: the new partnership's id and status. */
export async function requestPartnership(by: Actor, hostWorkspaceId: Id, request: PartnershipRequest) {
  return must<{ partnershipId: Id; status: string }>(
    { actor: by, method: 'POST', path: `/workspaces/${hostWorkspaceId}/partnerships`, body: request },
    'request a partnership',
  );
}

export async function approvePartnership(by: Actor, partnershipId: Id): Promise<void> {
  await must({ actor: by, method: 'POST', path: `/partnerships/${partnershipId}/approve` }, 'approve a partnership');
}

export async function acceptPartnership(by: Actor, partnershipId: Id): Promise<void> {
  await must(
    { actor: by, method: 'POST', path: `/partnerships/${partnershipId}/accept`, body: { acceptTerms: true } },
    'accept a partnership',
  );
}

/**
 * Opens the recertification round of an active partnership with a term, as the scheduled job does at
 * its `opensAt` (SPEC §10), for this partnership only (the job's clock moved to just after opensAt).
 */
export async function openRecertificationRound(partnershipId: Id): Promise<void> {
  const lookup = UseCaseContext.forSystem('system:fixture');
  const record = await lookup.store.partnerships.get(partnershipId);
  if (!record?.term) throw new Error(`partnership ${partnershipId} has no term`);
  const now = new Date(Date.parse(record.term.endsAt) - ROUND_OPENS_BEFORE_MS + 1000);
  const outcome = await processDuePartnership(UseCaseContext.forSystem('system:reminder-job', now), { partnershipId, dueKey: '' });
  if (outcome !== 'roundsOpened') throw new Error(`the round of ${partnershipId} did not open (${outcome})`);
}

export async function newAccount(by: Actor, workspaceId: Id, name: string, loginUrl?: string): Promise<Id> {
  const { accountId } = await must<{ accountId: Id }>(
    { actor: by, method: 'POST', path: `/workspaces/${workspaceId}/accounts`, body: { name, ...(loginUrl ? { loginUrl } : {}) } },
    'create an account',
  );
  return accountId;
}

// ---- the host-guest world of the partnership and sharing tests -------------------------------------------

/** A workspace "<label> Inc" with an owner, an admin and a member (users "<label>owner", "<label>admin"...). */
export async function staffedWorkspace(label: string) {
  const ws = await newWorkspace(`${label}owner`, `${label} Inc`);
  const join = (who: string, role: WorkspaceRole) => newMember(ws, role, `${label}${who}`);
  const admin = await join('admin', 'admin');
  const member = await join('member', 'member');
  return { ...ws, admin, member, join };
}

/** A host and a guest workspace, each with owner/admin/member, plus an outsider in a third workspace. */
export async function hostAndGuest() {
  const [host, guest] = await Promise.all([staffedWorkspace('host'), staffedWorkspace('guest')]);
  const { owner: outsider } = await newWorkspace('outsider', 'Elsewhere');
  return { host, guest, outsider };
}
export type HostAndGuest = Awaited<ReturnType<typeof hostAndGuest>>;

async function requestFor(w: HostAndGuest, requester: Client, reason: string | undefined, expectedStatus: string): Promise<Id> {
  const { partnershipId, status } = await requestPartnership(requester, w.host.workspaceId, {
    guestWorkspaceId: w.guest.workspaceId,
    partnerEmail: w.guest.admin.email,
    ...(reason ? { reason } : {}),
  });
  if (status !== expectedStatus)
    throw new Error(`partnership ${partnershipId} requested by ${requester.userId} is ${status}, not ${expectedStatus}`);
  return partnershipId;
}

/** A member's request (awaiting host approval). */
export const memberRequest = (w: HostAndGuest, requester: Client = w.host.member) =>
  requestFor(w, requester, 'We run the project together', 'awaiting_host_approval');

/** A host Admin's request (host approval skipped). */
export const adminRequest = (w: HostAndGuest) => requestFor(w, w.host.admin, undefined, 'awaiting_guest_acceptance');

/** A member's request taken through host approval and guest acceptance: an active partnership. */
export async function activePartnership(w: HostAndGuest, workflow: Waiter): Promise<Id> {
  const partnershipId = await memberRequest(w);
  await workflow.waitFor(partnershipId, { state: 'AwaitHostApproval' });
  await approvePartnership(w.host.admin, partnershipId);
  await workflow.waitFor(partnershipId, { state: 'AwaitGuestAcceptance' });
  await acceptPartnership(w.guest.admin, partnershipId);
  await workflow.waitFor(partnershipId, { status: 'SUCCEEDED' });
  return partnershipId;
}

// ---- World: memoized steps for the bench and the security suites --------------------------------------------

export class World {
  private readonly steps = new Map<string, Promise<unknown>>();

  /**
   * `runner`: partnerships this world creates are returned once their wait task registered its token
   * (see settle); without one, at once.
   */
  constructor(
    readonly name: string,
    private runner?: Waiter,
  ) {}

  /** Memoized fixture step (failures are memoized too). */
  step<T>(name: string, build: () => Promise<T>): Promise<T> {
    let pending = this.steps.get(name) as Promise<T> | undefined;
    if (!pending) {
      pending = build();
      pending.catch(() => undefined);
      this.steps.set(name, pending);
    }
    return pending;
  }

  /**
   * Waits until the partnership's execution waits at `state` (its token registered) or reached
   * `status`, as it would long before anyone decides: so a decision takes the ordinary path, not the
   * race with the task registering its token.
   */
  async settle(partnershipId: Id, target: WaitTarget): Promise<void> {
    await this.runner?.waitFor(partnershipId, target, { timeoutMs: 15_000 });
  }

  /** Builds without settling (a test racing the token registration on purpose). */
  async withoutSettling<T>(build: () => Promise<T>): Promise<T> {
    const runner = this.runner;
    this.runner = undefined;
    try {
      return await build();
    } finally {
      this.runner = runner;
    }
  }

  // ---- people and workspaces ---------------------------------------------------------------
  /** A registered user, labelled with the world's initial. */
  register(label: string): Promise<Client> {
    return registered(`${this.name[0]}-${label}`, label);
  }

  async newWorkspace(label: string): Promise<Workspace> {
    return createWorkspace(await this.register(`${label}-owner`), `${label} ${this.name}`);
  }

  /** A registered user added to a workspace by its owner. */
  async newMember(workspace: Workspace, role: WorkspaceRole = 'member', label: string = role): Promise<Client> {
    return addMember(workspace, await this.register(label), role);
  }

  host = () => this.step('host', () => this.newWorkspace('host'));
  owner = async () => (await this.host()).owner;
  workspaceId = async () => (await this.host()).workspaceId;
  admin = () => this.step('admin', async () => this.newMember(await this.host(), 'admin'));
  member = () => this.step('member', async () => this.newMember(await this.host()));
  /** A member whose role the PATCH builder toggles. */
  roleTarget = () => this.step('roleTarget', async () => this.newMember(await this.host(), 'member', 'role-target'));

  guest = () => this.step('guest', () => this.newWorkspace('guest'));
  guestOwner = async () => (await this.guest()).owner;
  /** A guest-workspace member: active partner of the team, manager of the shared account. */
  guestMember = () => this.step('guestMember', async () => this.newMember(await this.guest(), 'member', 'guest-member'));
  newGuestUser = async (label: string) => this.newMember(await this.guest(), 'member', label);

  // ---- teams ---------------------------------------------------------------------------------
  /** An open team created by `member` (its team Owner), so their partner invitations are pending. */
  team = () => this.step('team', async () => newTeam(await this.member(), await this.workspaceId(), 'Team'));

  /** A workspace member who joined the team (target of team-member PATCH). */
  teamMate = () =>
    this.step('teamMate', async () => {
      const mate = await this.newMember(await this.host(), 'member', 'team-mate');
      await this.joinTeam(mate);
      return mate;
    });

  async joinTeam(user: Actor): Promise<void> {
    await must({ actor: user, method: 'POST', path: `/teams/${await this.team()}/join` }, 'join a team');
  }

  workItem = () => this.step('workItem', async () => newWorkItem(await this.member(), await this.team(), 'Work item'));

  /** Invites `user` into `teamId`; by the workspace owner it is active at once, by `member` pending. */
  async invitePartner(teamId: Id, user: Actor, by: 'owner' | 'member', permission = 'edit'): Promise<Id> {
    const actor = by === 'owner' ? await this.owner() : await this.member();
    const [invitationId] = await invitePartners(actor, teamId, [{ email: user.email, permission }]);
    if (!invitationId) throw new Error('invite a team partner: no invitation in the response');
    return invitationId;
  }

  /** guestMember is an active partner (edit_and_invite) of the team. */
  activePartner = () =>
    this.step('activePartner', async () => {
      const user = await this.guestMember();
      await this.invitePartner(await this.team(), user, 'owner', 'edit_and_invite');
      return user;
    });

  /** A second active partner whose permission the PATCH builder toggles. */
  partnerToToggle = () =>
    this.step('partnerToToggle', async () => {
      const user = await this.newGuestUser('partner-toggle');
      await this.invitePartner(await this.team(), user, 'owner', 'edit');
      return user;
    });

  async pendingInvitation(label: string): Promise<{ invitationId: Id; user: Client }> {
    const user = await this.newGuestUser(label);
    return { invitationId: await this.invitePartner(await this.team(), user, 'member', 'view'), user };
  }

  // ---- partnerships --------------------------------------------------------------------------
  /** A partnership request from this host to a fresh guest workspace. */
  async requestPartnership(by: 'owner' | 'member', label = 'pguest'): Promise<{ partnershipId: Id; guest: Workspace }> {
    const guest = await this.newWorkspace(label);
    const actor = by === 'owner' ? await this.owner() : await this.member();
    const { partnershipId } = await requestPartnership(actor, await this.workspaceId(), {
      guestWorkspaceId: guest.workspaceId,
      partnerEmail: guest.owner.email,
      ...(by === 'member' ? { reason: 'Bench partnership' } : {}),
    });
    await this.settle(partnershipId, { state: by === 'member' ? 'AwaitHostApproval' : 'AwaitGuestAcceptance' });
    return { partnershipId, guest };
  }

  /** An active partnership with a term of `termDays` (owner requested, guest owner accepted): its execution waits for the round. */
  async termed(termDays: number): Promise<{ partnershipId: Id; guest: Workspace }> {
    const guest = await this.newWorkspace('tguest');
    const { partnershipId } = await requestPartnership(await this.owner(), await this.workspaceId(), {
      guestWorkspaceId: guest.workspaceId,
      partnerEmail: guest.owner.email,
      termDays,
    });
    await this.settle(partnershipId, { state: 'AwaitGuestAcceptance' });
    await acceptPartnership(guest.owner, partnershipId);
    await this.settle(partnershipId, { state: 'AwaitRound' });
    return { partnershipId, guest };
  }

  /**
   * An active partnership with a 30-day term whose recertification round is open (SPEC §10): requested
   * by the host owner, accepted by the guest owner, the round opened as the job would at its opensAt.
   */
  async recertifiable(): Promise<{ partnershipId: Id; guest: Workspace }> {
    const { partnershipId, guest } = await this.termed(30);
    await openRecertificationRound(partnershipId);
    await this.settle(partnershipId, { state: 'AwaitRecertification' });
    return { partnershipId, guest };
  }

  /** Requested by the host owner (stage 1 auto-approved), so it awaits guest acceptance. */
  async awaitingGuest(): Promise<{ partnershipId: Id; guest: Workspace }> {
    return this.requestPartnership('owner');
  }

  async accept(partnershipId: Id, guestOwner: Actor): Promise<void> {
    await acceptPartnership(guestOwner, partnershipId);
    await this.settle(partnershipId, { status: 'SUCCEEDED' });
  }

  /** The active partnership between host and guest (owner requested, guest owner accepted). */
  partnership = () =>
    this.step('partnership', async () => {
      const guest = await this.guest();
      const { partnershipId } = await requestPartnership(await this.owner(), await this.workspaceId(), {
        guestWorkspaceId: guest.workspaceId,
        partnerEmail: guest.owner.email,
      });
      await this.settle(partnershipId, { state: 'AwaitGuestAcceptance' });
      await this.accept(partnershipId, guest.owner);
      return partnershipId;
    });

  // ---- accounts and shares -------------------------------------------------------------------
  async newAccount(label = 'Account'): Promise<Id> {
    return newAccount(await this.owner(), await this.workspaceId(), label, 'https://example.com/login');
  }

  async share(accountId: Id, members: Array<{ email: string; role: 'collaborator' | 'manager' }>): Promise<void> {
    await must(
      { actor: await this.owner(), method: 'POST', path: `/partnerships/${await this.partnership()}/shares`, body: { accountId, members } },
      'share an account',
    );
  }

  /** An account shared through the partnership with guestMember as manager. */
  // ---- webhooks (SPEC §11) ---------------------------------------------------------------------
  /** A webhook endpoint of the host workspace (its URL is never called: nothing is fanned out to it in these worlds). */
  webhook = () =>
    this.step('webhook', async () => {
      const created = await must<{ webhookId: Id }>(
        {
          actor: await this.owner(),
          method: 'POST',
          path: `/workspaces/${await this.workspaceId()}/webhooks`,
          body: { url: 'https://hooks.example.com/partnerships', eventTypes: ['*'] },
        },
        'create a webhook',
      );
      return created.webhookId;
    });

  /** A delivery of the world's webhook (a test event; its attempt waits for a job that is never run). */
  webhookDelivery = () =>
    this.step('webhookDelivery', async () => {
      const webhookId = await this.webhook();
      const sent = await must<{ deliveryId: Id }>(
        { actor: await this.owner(), method: 'POST', path: `/webhooks/${webhookId}/test` },
        'send a test event',
      );
      return { webhookId, deliveryId: sent.deliveryId };
    });

  sharedAccount = () =>
    this.step('sharedAccount', async () => {
      const accountId = await this.newAccount('Shared account');
      await this.share(accountId, [{ email: (await this.guestMember()).email, role: 'manager' }]);
      return accountId;
    });

  async accessRequest(label: string): Promise<{ accessRequestId: Id; user: Client }> {
    const user = await this.newGuestUser(label);
    const { accessRequestId } = await must<{ accessRequestId: Id }>(
      {
        actor: await this.guestMember(),
        method: 'POST',
        path: `/partnerships/${await this.partnership()}/access-requests`,
        body: { accountId: await this.sharedAccount(), email: user.email, role: 'collaborator' },
      },
      'request account access',
    );
    return { accessRequestId, user };
  }

  /** Builds every base step it can (a step that fails is remembered with its reason). */
  async build(): Promise<void> {
    const base: Array<() => Promise<unknown>> = [
      this.host,
      this.admin,
      this.member,
      this.roleTarget,
      this.guest,
      this.guestMember,
      this.team,
      this.teamMate,
      this.workItem,
      this.activePartner,
      this.partnerToToggle,
      this.partnership,
      this.sharedAccount,
    ];
    for (const step of base) await step().catch(() => undefined);
  }
}
