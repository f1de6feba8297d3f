/**
 * One request builder per route, for the bench (bench/routes.ts measures each) and the security
 * suites (their valid and victim requests): given a World and the iteration number, it prepares what
 * the request needs (not measured) and returns a request that should succeed (2xx). Keyed by the
 * route's method and path with parameter names blanked ("GET /workspaces/{}/members"): those come
 * from SPEC.md, so a builder matches the route whatever id or parameter names its author chose.
 * A route id is accepted as a key too (for routes outside the spec). A route of the table without a
 * builder shows as "missing builder" in the report.
 */
import { must, type ApiRequest } from './api';
import type { World } from './world';

export interface BuiltRequest extends ApiRequest {
  /** Runs after the measured request (not measured), e.g. to restore the fixture. */
  cleanup?: () => Promise<void>;
}

/** `i` counts the requests made with this builder in this world (warm-up included). */
export type Builder = (w: World, i: number) => Promise<BuiltRequest>;

export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

const ws = (w: World) => w.workspaceId();

export const builders: Record<string, Builder> = {
  // ---- §2 users, workspaces, roles ---------------------------------------------------------
  'PUT /me': async (w, i) => ({ actor: await w.owner(), method: 'PUT', path: '/me', body: { name: `Owner ${i}` } }),
  'GET /me': async (w) => ({ actor: await w.activePartner(), method: 'GET', path: '/me' }),
  'POST /workspaces': async (w) => ({
    actor: await w.register('new-ws'),
    method: 'POST',
    path: '/workspaces',
    body: { name: 'New workspace' },
  }),
  'GET /workspaces/{}': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}` }),
  'GET /workspaces/{}/members': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}/members` }),
  'POST /workspaces/{}/members': async (w) => {
    const user = await w.register('added');
    return {
      actor: await w.owner(),
      method: 'POST',
      path: `/workspaces/${await ws(w)}/members`,
      body: { email: user.email, role: 'member' },
    };
  },
  'PATCH /workspaces/{}/members/{}': async (w, i) => ({
    actor: await w.owner(),
    method: 'PATCH',
    path: `/workspaces/${await ws(w)}/members/${(await w.roleTarget()).userId}`,
    body: { role: i % 2 ? 'member' : 'billing_admin' },
  }),
  'DELETE /workspaces/{}/members/{}': async (w) => {
    const user = await w.newMember(await w.host(), 'member', 'removed');
    return { actor: await w.owner(), method: 'DELETE', path: `/workspaces/${await ws(w)}/members/${user.userId}` };
  },
  'POST /workspaces/{}/ownership-transfer': async (w) => {
    const [owner, admin, workspaceId] = [await w.owner(), await w.admin(), await ws(w)];
    return {
      actor: owner,
      method: 'POST',
      path: `/workspaces/${workspaceId}/ownership-transfer`,
      body: { userId: admin.userId },
      // Give it back, so the world keeps its owner.
      cleanup: async () => {
        await must(
          { actor: admin, method: 'POST', path: `/workspaces/${workspaceId}/ownership-transfer`, body: { userId: owner.userId } },
          'transfer ownership back',
        );
        await must(
          { actor: owner, method: 'PATCH', path: `/workspaces/${workspaceId}/members/${admin.userId}`, body: { role: 'admin' } },
          'restore the admin role',
        ).catch(() => undefined);
      },
    };
  },
  'GET /workspaces/{}/billing': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}/billing` }),
  // A changed value every iteration (plan and e-mail), so the route writes instead of answering a no-op.
  'PUT /workspaces/{}/billing': async (w, i) => ({
    actor: await w.owner(),
    method: 'PUT',
    path: `/workspaces/${await ws(w)}/billing`,
    body: { plan: i % 2 ? 'team' : 'business', billingEmail: `billing-${w.name}-${i}@example.com` },
  }),
  // §10: the partner policy. A changed value every iteration (a blocked domain nobody uses), so the route
  // writes; no default term, so the world's later partnerships stay open-ended.
  'GET /workspaces/{}/partnership-policy': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/workspaces/${await ws(w)}/partnership-policy`,
  }),
  'PUT /workspaces/{}/partnership-policy': async (w, i) => ({
    actor: await w.owner(),
    method: 'PUT',
    path: `/workspaces/${await ws(w)}/partnership-policy`,
    body: { trustedWorkspaceIds: [], blockedWorkspaceIds: [], blockedEmailDomains: [`blocked-${i}.example`], defaultTermDays: null },
  }),

  // ---- §3 teams and work items -------------------------------------------------------------
  'POST /workspaces/{}/teams': async (w, i) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/workspaces/${await ws(w)}/teams`,
    body: { name: `Team ${i}`, visibility: 'open' },
  }),
  'GET /workspaces/{}/teams': async (w) => ({ actor: await w.member(), method: 'GET', path: `/workspaces/${await ws(w)}/teams` }),
  'POST /teams/{}/join': async (w) => ({
    actor: await w.newMember(await w.host(), 'member', 'joiner'),
    method: 'POST',
    path: `/teams/${await w.team()}/join`,
  }),
  'POST /teams/{}/members': async (w) => {
    const user = await w.newMember(await w.host(), 'member', 'team-added');
    return { actor: await w.member(), method: 'POST', path: `/teams/${await w.team()}/members`, body: { email: user.email } };
  },
  'PATCH /teams/{}/members/{}': async (w, i) => ({
    actor: await w.member(),
    method: 'PATCH',
    path: `/teams/${await w.team()}/members/${(await w.teamMate()).userId}`,
    body: { role: i % 2 ? 'member' : 'admin' },
  }),
  'DELETE /teams/{}/members/{}': async (w) => {
    const user = await w.newMember(await w.host(), 'member', 'team-removed');
    await w.joinTeam(user);
    return { actor: await w.member(), method: 'DELETE', path: `/teams/${await w.team()}/members/${user.userId}` };
  },
  'GET /teams/{}': async (w) => ({ actor: await w.member(), method: 'GET', path: `/teams/${await w.team()}` }),
  'GET /teams/{}/members': async (w) => ({ actor: await w.member(), method: 'GET', path: `/teams/${await w.team()}/members` }),
  'PATCH /teams/{}': async (w, i) => ({
    actor: await w.member(),
    method: 'PATCH',
    path: `/teams/${await w.team()}`,
    body: { name: `Team ${i}` },
  }),
  'POST /teams/{}/work-items': async (w, i) => ({
    actor: await w.member(),
    method: 'POST',
    path: `/teams/${await w.team()}/work-items`,
    body: { title: `Item ${i}` },
  }),
  'GET /teams/{}/work-items': async (w) => ({ actor: await w.member(), method: 'GET', path: `/teams/${await w.team()}/work-items` }),
  'PATCH /work-items/{}': async (w, i) => ({
    actor: await w.member(),
    method: 'PATCH',
    path: `/work-items/${await w.workItem()}`,
    body: { status: i % 2 ? 'todo' : 'doing' },
  }),

  // ---- §4 team partners --------------------------------------------------------------------
  'POST /teams/{}/partner-invitations': async (w) => {
    const user = await w.newGuestUser('invitee');
    return {
      actor: await w.member(),
      method: 'POST',
      path: `/teams/${await w.team()}/partner-invitations`,
      body: { invitations: [{ email: user.email, permission: 'view' }] },
    };
  },
  'GET /workspaces/{}/partner-invitations': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/workspaces/${await ws(w)}/partner-invitations?status=pending`,
  }),
  'GET /partner-invitations/{}': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/partner-invitations/${await w.step('readInvitation', async () => (await w.pendingInvitation('read-invitation')).invitationId)}`,
  }),
  'POST /partner-invitations/{}/approve': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partner-invitations/${(await w.pendingInvitation('approved')).invitationId}/approve`,
  }),
  'POST /partner-invitations/{}/decline': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partner-invitations/${(await w.pendingInvitation('declined')).invitationId}/decline`,
    body: { reason: 'Bench' },
  }),
  'DELETE /partner-invitations/{}': async (w) => ({
    actor: await w.member(),
    method: 'DELETE',
    path: `/partner-invitations/${(await w.pendingInvitation('withdrawn')).invitationId}`,
  }),
  'GET /teams/{}/partners': async (w) => ({ actor: await w.member(), method: 'GET', path: `/teams/${await w.team()}/partners` }),
  'PATCH /teams/{}/partners/{}': async (w, i) => ({
    actor: await w.owner(),
    method: 'PATCH',
    path: `/teams/${await w.team()}/partners/${(await w.partnerToToggle()).userId}`,
    body: { permission: i % 2 ? 'edit' : 'view' },
  }),
  'DELETE /teams/{}/partners/{}': async (w) => {
    const user = await w.newGuestUser('partner-removed');
    await w.invitePartner(await w.team(), user, 'owner', 'view');
    return { actor: await w.owner(), method: 'DELETE', path: `/teams/${await w.team()}/partners/${user.userId}` };
  },

  // ---- §5 host-guest partnerships ------------------------------------------------------------
  'POST /workspaces/{}/partnerships': async (w) => {
    const guest = await w.newWorkspace('req-guest');
    return {
      actor: await w.owner(),
      method: 'POST',
      path: `/workspaces/${await ws(w)}/partnerships`,
      body: { guestWorkspaceId: guest.workspaceId, partnerEmail: guest.owner.email },
    };
  },
  'GET /workspaces/{}/partnerships': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/workspaces/${await ws(w)}/partnerships?side=host`,
  }),
  'GET /partnerships/{}': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/partnerships/${await w.partnership()}` }),
  'POST /partnerships/{}/approve': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partnerships/${(await w.requestPartnership('member')).partnershipId}/approve`,
  }),
  'POST /partnerships/{}/decline': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partnerships/${(await w.requestPartnership('member')).partnershipId}/decline`,
    body: { reason: 'Bench' },
  }),
  'POST /partnerships/{}/accept': async (w) => {
    const { partnershipId, guest } = await w.awaitingGuest();
    return { actor: guest.owner, method: 'POST', path: `/partnerships/${partnershipId}/accept`, body: { acceptTerms: true } };
  },
  'POST /partnerships/{}/resend': async (w) => {
    const { partnershipId, guest } = await w.awaitingGuest();
    await must({ actor: guest.owner, method: 'POST', path: `/partnerships/${partnershipId}/decline`, body: {} }, 'guest declines');
    await w.settle(partnershipId, { state: 'AwaitResend' });
    return { actor: await w.owner(), method: 'POST', path: `/partnerships/${partnershipId}/resend` };
  },
  'POST /partnerships/{}/cancel': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partnerships/${(await w.awaitingGuest()).partnershipId}/cancel`,
  }),
  'DELETE /partnerships/{}': async (w) => {
    const { partnershipId, guest } = await w.awaitingGuest();
    await w.accept(partnershipId, guest.owner);
    return { actor: await w.owner(), method: 'DELETE', path: `/partnerships/${partnershipId}` };
  },
  'POST /partnerships/{}/reminders': async (w) => ({
    actor: await w.member(),
    method: 'POST',
    path: `/partnerships/${(await w.requestPartnership('member')).partnershipId}/reminders`,
  }),
  // §10: the host side's confirmation in an open round (a fresh partnership each time: one per side and round).
  'POST /partnerships/{}/recertify': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partnerships/${(await w.recertifiable()).partnershipId}/recertify`,
  }),
  'POST /partnerships/{}/owners': async (w) => {
    const user = await w.newMember(await w.host(), 'member', 'co-owner');
    // A fresh partnership each time: a partnership has a bounded number of owners.
    const { partnershipId } = await w.awaitingGuest();
    return { actor: await w.owner(), method: 'POST', path: `/partnerships/${partnershipId}/owners`, body: { userId: user.userId } };
  },

  // ---- §6 accounts, shares, access requests, activity ----------------------------------------
  'POST /workspaces/{}/accounts': async (w, i) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/workspaces/${await ws(w)}/accounts`,
    body: { name: `Account ${i}`, loginUrl: 'https://example.com/login' },
  }),
  'GET /workspaces/{}/accounts': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}/accounts` }),
  'POST /partnerships/{}/shares': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/partnerships/${await w.partnership()}/shares`,
    body: {
      accountId: await w.newAccount('Shared per iteration'),
      members: [{ email: (await w.guestMember()).email, role: 'collaborator' }],
    },
  }),
  'GET /partnerships/{}/shares': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/partnerships/${await w.partnership()}/shares`,
  }),
  'DELETE /partnerships/{}/shares/{}': async (w) => {
    const accountId = await w.newAccount('Unshared');
    await w.share(accountId, [{ email: (await w.guestMember()).email, role: 'collaborator' }]);
    return { actor: await w.owner(), method: 'DELETE', path: `/partnerships/${await w.partnership()}/shares/${accountId}` };
  },
  'POST /partnerships/{}/access-requests': async (w) => {
    const user = await w.newGuestUser('access-for');
    return {
      actor: await w.guestMember(),
      method: 'POST',
      path: `/partnerships/${await w.partnership()}/access-requests`,
      body: { accountId: await w.sharedAccount(), email: user.email, role: 'collaborator' },
    };
  },
  'POST /access-requests/{}/approve': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/access-requests/${(await w.accessRequest('approved-access')).accessRequestId}/approve`,
  }),
  'GET /partnerships/{}/access-requests': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/partnerships/${await w.partnership()}/access-requests?status=pending`,
  }),
  'POST /access-requests/{}/decline': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/access-requests/${(await w.accessRequest('declined-access')).accessRequestId}/decline`,
    body: {},
  }),
  'DELETE /partnerships/{}/guest-members/{}': async (w) => {
    const user = await w.newGuestUser('guest-removed');
    await w.share(await w.newAccount('For removal'), [{ email: user.email, role: 'collaborator' }]);
    return { actor: await w.owner(), method: 'DELETE', path: `/partnerships/${await w.partnership()}/guest-members/${user.userId}` };
  },
  'POST /accounts/{}/logins': async (w) => ({
    actor: await w.guestMember(),
    method: 'POST',
    path: `/accounts/${await w.sharedAccount()}/logins`,
  }),
  'GET /partnerships/{}/activity': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/partnerships/${await w.partnership()}/activity`,
  }),
  'GET /workspaces/{}/activity': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}/activity` }),

  // ---- §11 webhooks ---------------------------------------------------------------------------
  // A created endpoint is deleted again after the request: a world keeps below the 10 per workspace.
  'POST /workspaces/{}/webhooks': async (w, i) => {
    const owner = await w.owner();
    return {
      actor: owner,
      method: 'POST',
      path: `/workspaces/${await ws(w)}/webhooks`,
      body: { url: `https://hooks-${i}.example.com/in`, eventTypes: ['partnership.accepted.v1'], description: 'CRM sync' },
      cleanup: async () => {
        const list = await must<{ items: Array<{ webhookId: string; url: string }> }>(
          { actor: owner, method: 'GET', path: `/workspaces/${await ws(w)}/webhooks?limit=100` },
          'list webhooks',
        );
        for (const hook of list.items.filter((h) => h.url === `https://hooks-${i}.example.com/in`))
          await must({ actor: owner, method: 'DELETE', path: `/webhooks/${hook.webhookId}` }, 'delete a webhook');
      },
    };
  },
  'GET /workspaces/{}/webhooks': async (w) => {
    await w.webhook();
    return { actor: await w.owner(), method: 'GET', path: `/workspaces/${await ws(w)}/webhooks` };
  },
  'GET /webhooks/{}': async (w) => ({ actor: await w.owner(), method: 'GET', path: `/webhooks/${await w.webhook()}` }),
  'PATCH /webhooks/{}': async (w, i) => ({
    actor: await w.owner(),
    method: 'PATCH',
    path: `/webhooks/${await w.webhook()}`,
    body: { description: `Endpoint ${i}` },
  }),
  'DELETE /webhooks/{}': async (w, i) => {
    const owner = await w.owner();
    const created = await must<{ webhookId: string }>(
      {
        actor: owner,
        method: 'POST',
        path: `/workspaces/${await ws(w)}/webhooks`,
        body: { url: `https://gone-${i}.example.com/in`, eventTypes: ['*'] },
      },
      'create a webhook to delete',
    );
    return { actor: owner, method: 'DELETE', path: `/webhooks/${created.webhookId}` };
  },
  'POST /webhooks/{}/rotate-secret': async (w) => ({
    actor: await w.owner(),
    method: 'POST',
    path: `/webhooks/${await w.webhook()}/rotate-secret`,
  }),
  'POST /webhooks/{}/test': async (w) => ({ actor: await w.owner(), method: 'POST', path: `/webhooks/${await w.webhook()}/test` }),
  'GET /webhooks/{}/deliveries': async (w) => ({
    actor: await w.owner(),
    method: 'GET',
    path: `/webhooks/${(await w.webhookDelivery()).webhookId}/deliveries`,
  }),
  'POST /webhooks/{}/deliveries/{}/redeliver': async (w) => {
    const { webhookId, deliveryId } = await w.webhookDelivery();
    return { actor: await w.owner(), method: 'POST', path: `/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver` };
  },
};

export function builderFor(route: { id: string; method: string; path: string }): Builder | undefined {
  return builders[route.id] ?? builders[routeKey(route.method, route.path)];
}
