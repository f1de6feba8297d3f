/**
 * Fixture worlds, built through the API itself: a host workspace with an owner, an admin and
 * members, a team with work items and partners (active and pending), a guest workspace, an active
 * partnership with an account shared through it, and the activity all that writes. Then every list a
 * route reads is filled to `rows` entries by cloning rows the API wrote (seed.ts), so a route is
 * measured with 10 and with 10 000 rows behind it.
 *
 * Steps are memoized; a step whose route does not exist yet (or fails) is remembered as unavailable
 * with the reason, and everything that needs it reports that reason instead of failing the bench.
 */
import { FixtureUnavailable, must, newActor, type Actor } from './api';
import { batchWriteAll, cloneRows, rowsOwnedBy, scanAll, type Row } from './seed';
import type { BenchEnvironment } from './environment';
import { settle } from './workflow';

export type Id = string;

/** First value of one of `names` found depth-first in a response body. */
export function pickId(body: unknown, ...names: string[]): Id {
  const seen = new Set<unknown>();
  const visit = (value: unknown): string | undefined => {
    if (!value || typeof value !== 'object' || seen.has(value)) return undefined;
    seen.add(value);
    for (const name of names) {
      const v = (value as Record<string, unknown>)[name];
      if (typeof v === 'string' && v) return v;
    }
    for (const v of Object.values(value as Record<string, unknown>)) {
      const found = visit(v);
      if (found) return found;
    }
    return undefined;
  };
  const id = visit(body);
  if (!id) throw new FixtureUnavailable(`no ${names.join('/')} in response ${JSON.stringify(body).slice(0, 160)}`);
  return id;
}

export interface FillReport {
  what: string;
  templateRows: number;
  written: number;
  ms: number;
  note?: string;
}

export class World {
  private readonly steps = new Map<string, Promise<unknown>>();
  readonly fills: FillReport[] = [];

  constructor(
    readonly name: string,
    readonly rows: number,
    private readonly env: BenchEnvironment,
    private readonly seedParallelism: number,
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

  // ---- people and workspaces ---------------------------------------------------------------
  async register(label: string): Promise<Actor> {
    const actor = newActor(`${this.name[0]}-${label}`);
    await must({ actor, method: 'PUT', path: '/me', body: { name: label } }, 'register a user');
    return actor;
  }

  async newWorkspace(label: string): Promise<{ owner: Actor; workspaceId: Id }> {
    const owner = await this.register(`${label}-owner`);
    const body = await must({ actor: owner, method: 'POST', path: '/workspaces', body: { name: `${label} ${this.name}` } }, 'create a workspace');
    return { owner, workspaceId: pickId(body, 'workspaceId', 'id') };
  }

  /** A registered user added to a workspace by its owner. */
  async newMember(workspace: { owner: Actor; workspaceId: Id }, label: string, role = 'member'): Promise<Actor> {
    const user = await this.register(label);
    await must(
      { actor: workspace.owner, method: 'POST', path: `/workspaces/${workspace.workspaceId}/members`, body: { email: user.email, role } },
      'add a workspace member',
    );
    return user;
  }

  host = () => this.step('host', () => this.newWorkspace('host'));
  owner = async () => (await this.host()).owner;
  workspaceId = async () => (await this.host()).workspaceId;
  admin = () => this.step('admin', async () => this.newMember(await this.host(), 'admin', 'admin'));
  member = () => this.step('member', async () => this.newMember(await this.host(), 'member'));
  /** A member whose role the PATCH builder toggles. */
  roleTarget = () => this.step('roleTarget', async () => this.newMember(await this.host(), 'role-target'));

  guest = () => this.step('guest', () => this.newWorkspace('guest'));
  guestOwner = async () => (await this.guest()).owner;
  /** A guest-workspace member: active partner of the team, manager of the shared account. */
  guestMember = () => this.step('guestMember', async () => this.newMember(await this.guest(), 'guest-member'));
  newGuestUser = async (label: string) => this.newMember(await this.guest(), label);

  // ---- teams ---------------------------------------------------------------------------------
  /** An open team created by `member` (its team Owner), so their partner invitations are pending. */
  team = () =>
    this.step('team', async () => {
      const body = await must(
        { actor: await this.member(), method: 'POST', path: `/workspaces/${await this.workspaceId()}/teams`, body: { name: 'Team', visibility: 'open' } },
        'create a team',
      );
      return pickId(body, 'teamId', 'id');
    });

  /** A workspace member who joined the team (target of team-member PATCH). */
  teamMate = () =>
    this.step('teamMate', async () => {
      const mate = await this.newMember(await this.host(), 'team-mate');
      await this.joinTeam(mate);
      return mate;
    });

  async joinTeam(user: Actor): Promise<void> {
    await must({ actor: user, method: 'POST', path: `/teams/${await this.team()}/join` }, 'join a team');
  }

  workItem = () =>
    this.step('workItem', async () => {
      const body = await must(
        { actor: await this.member(), method: 'POST', path: `/teams/${await this.team()}/work-items`, body: { title: 'Work item' } },
        'create a work item',
      );
      return pickId(body, 'workItemId', 'id');
    });

  /** Invites `user` into `teamId`; by the workspace owner it is active at once, by `member` pending. */
  async invitePartner(teamId: Id, user: Actor, by: 'owner' | 'member', permission = 'edit'): Promise<Id> {
    const actor = by === 'owner' ? await this.owner() : await this.member();
    const body = await must(
      { actor, method: 'POST', path: `/teams/${teamId}/partner-invitations`, body: { invitations: [{ email: user.email, permission }] } },
      'invite a team partner',
    );
    return pickId(body, 'invitationId', 'id');
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

  async pendingInvitation(label: string): Promise<{ invitationId: Id; user: Actor }> {
    const user = await this.newGuestUser(label);
    return { invitationId: await this.invitePartner(await this.team(), user, 'member', 'view'), user };
  }

  // ---- partnerships --------------------------------------------------------------------------
  /** A partnership request from this host to a fresh guest workspace. */
  async requestPartnership(by: 'owner' | 'member', label = 'pguest'): Promise<{ partnershipId: Id; guest: { owner: Actor; workspaceId: Id } }> {
    const guest = await this.newWorkspace(label);
    const actor = by === 'owner' ? await this.owner() : await this.member();
    const body = await must(
      {
        actor,
        method: 'POST',
        path: `/workspaces/${await this.workspaceId()}/partnerships`,
        body: { guestWorkspaceId: guest.workspaceId, partnerEmail: guest.owner.email, ...(by === 'member' ? { reason: 'Bench partnership' } : {}) },
      },
      'request a partnership',
    );
    const partnershipId = pickId(body, 'partnershipId', 'id');
    await settle(partnershipId, { state: by === 'member' ? 'AwaitHostApproval' : 'AwaitGuestAcceptance' });
    return { partnershipId, guest };
  }

  /** Requested by the host owner (stage 1 auto-approved), so it awaits guest acceptance. */
  async awaitingGuest(): Promise<{ partnershipId: Id; guest: { owner: Actor; workspaceId: Id } }> {
    return this.requestPartnership('owner');
  }

  async accept(partnershipId: Id, guestOwner: Actor): Promise<void> {
    await must({ actor: guestOwner, method: 'POST', path: `/partnerships/${partnershipId}/accept`, body: { acceptTerms: true } }, 'accept a partnership');
    await settle(partnershipId, { status: 'SUCCEEDED' });
  }

  /** The active partnership between host and guest (owner requested, guest owner accepted). */
  partnership = () =>
    this.step('partnership', async () => {
      const guest = await this.guest();
      const body = await must(
        {
          actor: await this.owner(),
          method: 'POST',
          path: `/workspaces/${await this.workspaceId()}/partnerships`,
          body: { guestWorkspaceId: guest.workspaceId, partnerEmail: guest.owner.email },
        },
        'request a partnership',
      );
      const partnershipId = pickId(body, 'partnershipId', 'id');
      await settle(partnershipId, { state: 'AwaitGuestAcceptance' });
      await this.accept(partnershipId, guest.owner);
      return partnershipId;
    });

  // ---- accounts and shares -------------------------------------------------------------------
  async newAccount(label = 'Account'): Promise<Id> {
    const body = await must(
      { actor: await this.owner(), method: 'POST', path: `/workspaces/${await this.workspaceId()}/accounts`, body: { name: label, loginUrl: 'https://example.com/login' } },
      'create an account',
    );
    return pickId(body, 'accountId', 'id');
  }

  async share(accountId: Id, members: Array<{ email: string; role: 'collaborator' | 'manager' }>): Promise<void> {
    await must(
      { actor: await this.owner(), method: 'POST', path: `/partnerships/${await this.partnership()}/shares`, body: { accountId, members } },
      'share an account',
    );
  }

  /** An account shared through the partnership with guestMember as manager. */
  sharedAccount = () =>
    this.step('sharedAccount', async () => {
      const accountId = await this.newAccount('Shared account');
      await this.share(accountId, [{ email: (await this.guestMember()).email, role: 'manager' }]);
      return accountId;
    });

  async accessRequest(label: string): Promise<{ accessRequestId: Id; user: Actor }> {
    const user = await this.newGuestUser(label);
    const body = await must(
      {
        actor: await this.guestMember(),
        method: 'POST',
        path: `/partnerships/${await this.partnership()}/access-requests`,
        body: { accountId: await this.sharedAccount(), email: user.email, role: 'collaborator' },
      },
      'request account access',
    );
    return { accessRequestId: pickId(body, 'accessRequestId', 'requestId', 'id'), user };
  }

  // ---- building and filling ----------------------------------------------------------------
  /** Builds every base step it can (unavailable ones are remembered), then fills the lists. */
  async build(): Promise<void> {
    const base: Array<() => Promise<unknown>> = [
      this.host, this.admin, this.member, this.roleTarget, this.guest, this.guestMember, this.team, this.teamMate,
      this.workItem, this.activePartner, this.partnerToToggle, this.partnership, this.sharedAccount,
    ];
    for (const step of base) await step().catch(() => undefined);
    await this.fill();
  }

  /** Fillers: one entity per list, made through the API, then cloned `rows` times. */
  private async fill(): Promise<void> {
    const fillers: Array<{ what: string; make: () => Promise<Id[]> }> = [
      {
        what: 'workspace members (also team members)',
        make: async () => {
          const user = await this.newMember(await this.host(), 'filler-member');
          await this.joinTeam(user).catch(() => undefined);
          return [user.userId];
        },
      },
      {
        what: 'teams (guest partner in each)',
        make: async () => {
          const body = await must(
            { actor: await this.owner(), method: 'POST', path: `/workspaces/${await this.workspaceId()}/teams`, body: { name: 'Filler team', visibility: 'open' } },
            'create a team',
          );
          const teamId = pickId(body, 'teamId', 'id');
          await this.invitePartner(teamId, await this.guestMember(), 'owner', 'view').catch(() => undefined);
          return [teamId];
        },
      },
      { what: 'work items', make: async () => [await this.workItem().then(() => this.newWorkItem())] },
      {
        what: 'pending partner invitations',
        make: async () => {
          const { invitationId, user } = await this.pendingInvitation('filler-pending');
          return [invitationId, user.userId];
        },
      },
      {
        what: 'active team partners',
        make: async () => {
          const user = await this.newGuestUser('filler-partner');
          return [await this.invitePartner(await this.team(), user, 'owner', 'view'), user.userId];
        },
      },
      { what: 'partnerships of the host', make: async () => [(await this.awaitingGuest()).partnershipId] },
      {
        what: 'accounts (shared in the partnership)',
        make: async () => {
          const accountId = await this.newAccount('Filler account');
          await this.share(accountId, [{ email: (await this.guestMember()).email, role: 'collaborator' }]).catch(() => undefined);
          return [accountId];
        },
      },
    ];
    const templates: Array<{ what: string; ids: Id[] }> = [];
    for (const filler of fillers) {
      try {
        templates.push({ what: filler.what, ids: await filler.make() });
      } catch (error) {
        this.fills.push({ what: filler.what, templateRows: 0, written: 0, ms: 0, note: (error as Error).message });
      }
    }
    const table = await scanAll(this.env.raw, this.env.tableName);
    // Activity of the workspace and of the partnership, notifications of the owner: clone one entry each.
    const wsId = await this.workspaceId().catch(() => undefined);
    const psId = await this.partnership().catch(() => undefined);
    const ownerEmail = await this.owner().then((o) => o.email).catch(() => undefined);
    const entryId = (pk: string | undefined) => {
      const row = pk ? table.find((r) => r.pk === pk) : undefined;
      return row ? String(row.sk).split('#').pop()! : undefined;
    };
    for (const [what, pk] of [
      ['workspace activity entries', wsId && `ACT#WS#${wsId}`],
      ['partnership activity entries', psId && `ACT#PS#${psId}`],
      ['notifications of the owner', ownerEmail && `NOTE#${ownerEmail}`],
    ] as const) {
      const id = entryId(pk || undefined);
      if (id) templates.push({ what, ids: [id] });
      else this.fills.push({ what, templateRows: 0, written: 0, ms: 0, note: 'no entry to clone yet' });
    }
    for (const [index, template] of templates.entries()) {
      const rows = template.ids.flatMap((id) => rowsOwnedBy(table, id));
      const unique = [...new Map(rows.map((r) => [`${r.pk}\u0000${r.sk}`, r])).values()];
      if (unique.length === 0) {
        this.fills.push({ what: template.what, templateRows: 0, written: 0, ms: 0, note: 'template rows not found by id' });
        continue;
      }
      const stats = await batchWriteAll(this.env.raw, this.env.tableName, cloneRows(unique, template.ids, this.rows, `z${this.name[0]}${index}`), this.seedParallelism);
      this.fills.push({ what: template.what, templateRows: unique.length, written: stats.items, ms: stats.ms });
    }
  }

  private async newWorkItem(): Promise<Id> {
    const body = await must(
      { actor: await this.member(), method: 'POST', path: `/teams/${await this.team()}/work-items`, body: { title: 'Filler work item' } },
      'create a work item',
    );
    return pickId(body, 'workItemId', 'id');
  }
}
