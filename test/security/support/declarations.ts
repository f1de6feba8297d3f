/**
 * One declaration per route id: how the security suites reach that route.
 *
 * - `target` names what of the victim tenant the request touches (shown in failures).
 * - `victim` builds a valid request on the victim's objects, by the actor entitled to make it; by
 *   default the route's builder in test/support/builders.ts. The tenant-isolation matrix sends it as every
 *   attacker role, then as the victim's own actor (the control: it must succeed, so the attackers'
 *   refusals are not a broken request). The mass-assignment and fuzz suites start from it too.
 * - `scope: 'self'` marks the routes that act on the caller only (PUT/GET /me, POST /workspaces):
 *   `attack` says what an attacker does with them against the victim, `expect` what they get.
 *
 * A route of shared/routes/* without a declaration fails every suite: a new route cannot be
 * forgotten. Add its entry here (usually one line; a custom `victim` when test/support/builders.ts has none).
 */
import { randomUUID } from 'node:crypto';
import { routes } from '../../../shared/routes';
import { send, type Actor, type ApiRequest } from '../../support/api';
import { builderFor } from '../../support/builders';
import type { World } from '../../support/world';
import type { Route } from './harness';
import type { Role } from './worlds';

export interface VictimRequest {
  request: ApiRequest;
  /** Runs after the control request (e.g. gives ownership back). */
  cleanup?: () => Promise<void>;
  /** Anything the declaration's `attack` needs to remember. */
  context?: Record<string, unknown>;
}

export interface Expected {
  status: number;
  code?: string;
}

export interface Declaration {
  target: string;
  scope?: 'tenant' | 'self';
  victim?: (w: World) => Promise<VictimRequest>;
  /** Self routes: the request one attacker role makes (default: the victim request as that actor). */
  attack?: (input: { role: Role; actor: Actor | null; victim: VictimRequest }) => ApiRequest;
  /** Self routes: the expected answer per role (tenant routes: 401 / 403 not_registered / 404). */
  expect?: (role: Role) => Expected;
  /**
   * Self routes: which roles' successful calls may change state (only items naming that actor,
   * never an item holding one of the victim's identifiers).
   */
  mayChangeOwnState?: ReadonlyArray<Role>;
  /** Extra check of a successful attacker response (e.g. not the victim's idempotent response). */
  checkSuccess?: (input: { role: Role; body: any; victim: VictimRequest }) => string | undefined;
  /**
   * A valid request by the entitled actor that succeeds (mass-assignment and fuzz start from it).
   * Default: the route's request builder, else `victim`.
   */
  valid?: (w: World) => Promise<VictimRequest>;
  /** Refusals are deliberately logged (activity/outbox items may appear): SPEC §6 logins. */
  refusalLogged?: boolean;
}

/** The default for routes on another tenant's objects. */
export const tenantExpectation = (role: Role): Expected =>
  role === 'no_token'
    ? { status: 401, code: 'unauthenticated' }
    : role === 'unregistered'
      ? { status: 403, code: 'not_registered' }
      : { status: 404, code: 'not_found' };

const tenant = (target: string, extra: Partial<Declaration> = {}): Declaration => ({ target, scope: 'tenant', ...extra });

/** The route's request builder as a VictimRequest. */
export async function builtVictimRequest(route: Route, w: World): Promise<VictimRequest> {
  const builder = builderFor(route);
  if (!builder)
    throw new Error(
      `test/support/builders.ts has no builder for ${route.id} (${route.method} ${route.path}): give its declaration a victim()`,
    );
  const built = await builder(w, 0);
  const { cleanup, ...request } = built;
  return {
    request: { actor: request.actor, method: request.method, path: request.path, body: request.body, headers: request.headers },
    cleanup,
  };
}

export const declarations: Record<string, Declaration> = {
  // ---- §2 users and workspaces --------------------------------------------------------------------
  putMe: {
    target: "the victim Owner's e-mail (a token whose email claim is someone else's)",
    scope: 'self',
    victim: async (w) => {
      const owner = await w.owner();
      return { request: { actor: owner, method: 'PUT', path: '/me', body: { name: 'Victim Owner' } }, context: { email: owner.email } };
    },
    attack: ({ actor, victim }) => ({
      actor,
      method: 'PUT',
      path: '/me',
      body: { name: 'Mallory' },
      claims: actor ? { sub: actor.userId, email: String(victim.context!.email).toUpperCase() } : undefined,
    }),
    expect: (role) => (role === 'no_token' ? { status: 401, code: 'unauthenticated' } : { status: 409, code: 'email_taken' }),
  },
  getMe: {
    target: 'nothing of the victim (the response must not mention it)',
    scope: 'self',
    victim: async (w) => ({ request: { actor: await w.owner(), method: 'GET', path: '/me' } }),
    expect: (role) =>
      role === 'no_token'
        ? { status: 401, code: 'unauthenticated' }
        : role === 'unregistered'
          ? { status: 403, code: 'not_registered' }
          : { status: 200 },
  },
  createWorkspace: {
    target: "the victim's Idempotency-Key and body replayed (with a forged x-idempotency-scope header)",
    scope: 'self',
    victim: async (w) => {
      const creator = await w.register('ws-creator');
      const key = `victim-${randomUUID()}`;
      const body = { name: 'Victim by key' };
      const request: ApiRequest = { actor: creator, method: 'POST', path: '/workspaces', body, headers: { 'Idempotency-Key': key } };
      const first = await send(request);
      if (first.status !== 201) throw new Error(`victim workspace: ${first.status} ${first.text}`);
      return { request, context: { key, creatorId: creator.userId, workspaceId: first.body.workspaceId } };
    },
    attack: ({ actor, victim }) => ({
      actor,
      method: 'POST',
      path: '/workspaces',
      body: { name: 'Victim by key' },
      headers: {
        'Idempotency-Key': String(victim.context!.key),
        'x-idempotency-scope': `createWorkspace:${String(victim.context!.creatorId)}:${String(victim.context!.key)}`,
      },
    }),
    expect: (role) =>
      role === 'no_token'
        ? { status: 401, code: 'unauthenticated' }
        : role === 'unregistered'
          ? { status: 403, code: 'not_registered' }
          : role === 'no_workspace_user'
            ? { status: 201 }
            : { status: 409, code: 'already_in_workspace' },
    mayChangeOwnState: ['no_workspace_user'],
    checkSuccess: ({ body, victim }) =>
      body?.workspaceId === victim.context!.workspaceId ? "the attacker got the victim's idempotent response" : undefined,
  },
  getWorkspace: tenant('the victim workspace'),
  listWorkspaceMembers: tenant("the victim workspace's members"),
  addWorkspaceMember: tenant('the victim workspace (adding a user to it)'),
  changeWorkspaceMemberRole: tenant('a member of the victim workspace'),
  removeWorkspaceMember: tenant('a member of the victim workspace'),
  transferWorkspaceOwnership: tenant('the victim workspace ownership'),
  getWorkspaceBilling: tenant("the victim workspace's billing"),
  putWorkspaceBilling: tenant("the victim workspace's billing"),
  getPartnershipPolicy: tenant("the victim workspace's partner policy"),
  putPartnershipPolicy: tenant("the victim workspace's partner policy"),

  // ---- §3 teams and work items ------------------------------------------------------------------------
  createTeam: tenant('the victim workspace (creating a team in it)'),
  listTeams: tenant("the victim workspace's teams"),
  getTeam: tenant('an open team of the victim'),
  updateTeam: tenant('an open team of the victim'),
  joinTeam: tenant('an open team of the victim'),
  listTeamMembers: tenant("an open victim team's members"),
  addTeamMember: tenant('an open team of the victim'),
  updateTeamMember: tenant("a victim team member's role"),
  removeTeamMember: tenant('a victim team member'),
  createWorkItem: tenant('a victim team (creating a work item)'),
  listWorkItems: tenant("a victim team's work items"),
  updateWorkItem: tenant('a victim work item'),

  // ---- §4 team partners -------------------------------------------------------------------------------
  createPartnerInvitations: tenant('a victim team (inviting partners)'),
  listPartnerInvitations: tenant("the victim's Manage Partners list"),
  getPartnerInvitation: tenant('a pending partner invitation of the victim'),
  approvePartnerInvitation: tenant('a pending partner invitation of the victim'),
  declinePartnerInvitation: tenant('a pending partner invitation of the victim'),
  withdrawPartnerInvitation: tenant('a pending partner invitation of the victim'),
  listTeamPartners: tenant("a victim team's partners"),
  updateTeamPartner: tenant("an active partner's permission in a victim team"),
  removeTeamPartner: tenant('an active partner of a victim team'),

  // ---- §5 host-guest partnerships ---------------------------------------------------------------------
  createPartnership: tenant('the victim workspace as host'),
  listPartnerships: tenant("the victim's partnerships"),
  getPartnership: tenant('an active partnership of the victim'),
  approvePartnership: tenant('a partnership of the victim awaiting host approval'),
  declinePartnership: tenant('a partnership of the victim awaiting host approval'),
  acceptPartnership: tenant('a partnership of the victim awaiting guest acceptance'),
  resendPartnership: tenant('a partnership of the victim declined by its guest'),
  cancelPartnership: tenant('a partnership of the victim awaiting guest acceptance'),
  removePartnership: tenant('an active partnership of the victim'),
  remindPartnership: tenant('a partnership of the victim awaiting host approval'),
  addPartnershipOwner: tenant("a victim partnership's owners"),
  recertifyPartnership: tenant('a victim partnership in an open recertification round'),

  // ---- §6 accounts, shares, access requests, logins, activity -----------------------------------------
  createAccount: tenant('the victim workspace (adding an account)'),
  listAccounts: tenant("the victim workspace's accounts"),
  // Refusals of a login are logged by design (SPEC §6: every access to a shared account is logged).
  createLogin: tenant('an account of the victim shared with its guest member', { refusalLogged: true }),
  shareAccount: tenant('an active partnership of the victim (sharing one of its accounts)'),
  listShares: tenant("an active victim partnership's shares"),
  revokeShare: tenant('a share of a victim account'),
  removeGuestMember: tenant('a guest member of an active victim partnership'),
  createAccessRequest: tenant('a victim account shared with a manager'),
  listAccessRequests: tenant("an active victim partnership's access requests"),
  approveAccessRequest: tenant('a pending access request of the victim'),
  declineAccessRequest: tenant('a pending access request of the victim'),
  listPartnershipActivity: tenant("an active victim partnership's activity"),
  listWorkspaceActivity: tenant("the victim workspace's activity"),

  // ---- §11 webhooks -----------------------------------------------------------------------------------
  createWebhook: tenant('the victim workspace (adding a webhook endpoint)'),
  listWebhooks: tenant("the victim workspace's webhook endpoints"),
  getWebhook: tenant('a webhook endpoint of the victim'),
  updateWebhook: tenant('a webhook endpoint of the victim'),
  deleteWebhook: tenant('a webhook endpoint of the victim'),
  rotateWebhookSecret: tenant("a victim webhook endpoint's secret"),
  testWebhook: tenant('a webhook endpoint of the victim (sending it a test event)'),
  listWebhookDeliveries: tenant("a victim webhook endpoint's deliveries"),
  redeliverWebhookDelivery: tenant('a delivery of a victim webhook endpoint'),
};

/** The route ids without a declaration (must be empty). */
export const undeclaredRoutes = () => routes.filter((r) => !declarations[r.id]).map((r) => `${r.id} (${r.method} ${r.path})`);

/** The victim request of a route: its declaration's, else the request builder's. */
export async function victimRequest(route: Route, w: World): Promise<VictimRequest> {
  const declaration = declarations[route.id];
  if (!declaration) throw new Error(`no security declaration for route ${route.id}: add it to test/security/support/declarations.ts`);
  return declaration.victim ? declaration.victim(w) : builtVictimRequest(route, w);
}

/** A valid request of a route (for the mass-assignment and fuzz suites). */
export async function validRequest(route: Route, w: World): Promise<VictimRequest> {
  const declaration = declarations[route.id];
  if (!declaration) throw new Error(`no security declaration for route ${route.id}: add it to test/security/support/declarations.ts`);
  if (declaration.valid) return declaration.valid(w);
  if (builderFor(route)) return builtVictimRequest(route, w);
  return victimRequest(route, w);
}
