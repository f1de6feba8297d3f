/**
 * The README's walk-throughs, run with the typed client (clients/typescript) against a running service:
 *
 *   npm start                                    # one terminal (PORT, default 3000)
 *   bash scripts/walkthrough.sh                  # another: §2-§5, then the sharing part (§6)
 *   bash scripts/walkthrough-sharing.sh          # only the sharing part (docs/WALKTHROUGH-sharing.md)
 *
 * Each request prints its method, path and HTTP status (and a short body); the run stops at the first
 * status that is not the expected one. User ids get a per-run suffix (RUN, default: the time), so a
 * walk-through can run any number of times against one server. BASE (default http://127.0.0.1:$PORT)
 * names the server. test/integration/walkthrough.test.ts runs both against `npm start`.
 */
import { pathToFileURL } from 'node:url';
import { createPartnershipsClient, type PartnershipsClient } from '../clients/typescript/src/index';

export interface WalkthroughOptions {
  baseUrl: string;
  /** Suffix of every user id and e-mail of this run. */
  run: string;
  log: (line: string) => void;
}

interface Call<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

class UnexpectedStatus extends Error {}

/** The people of a walk-through: a typed client each, with a token from POST /local/tokens. */
function cast(options: WalkthroughOptions) {
  const { baseUrl, run, log } = options;
  const email = (name: string) => `${name}-${run}@example.com`;
  const userId = (name: string) => `${name}-${run}`;
  const token = async (name: string): Promise<string> => {
    const response = await fetch(`${baseUrl}/local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: userId(name), email: email(name) }),
    });
    if (response.status !== 201) throw new Error(`POST /local/tokens answered ${response.status}: is \`npm start\` running at ${baseUrl}?`);
    return ((await response.json()) as { token: string }).token;
  };
  const person = (name: string): PartnershipsClient => {
    const issued = token(name);
    const client = createPartnershipsClient({ baseUrl, token: () => issued });
    client.use({
      async onResponse({ request, response }) {
        const url = new URL(request.url);
        const text = response.status === 204 ? '' : await response.clone().text();
        log(
          `${name.padEnd(5)} ${request.method} ${url.pathname}${url.search} -> ${response.status}${text ? ` ${text.slice(0, 140)}` : ''}`,
        );
        return response;
      },
    });
    return client;
  };
  /** The answer, when its status is the expected one. */
  const expect = async <T>(status: number, call: Promise<Call<T>>): Promise<T> => {
    const { data, response } = await call;
    if (response.status !== status) throw new UnexpectedStatus(`expected ${status}, got ${response.status}`);
    return data as T;
  };
  const step = (title: string) => log(`\n## ${title}`);
  const outbox = async (name: string) => {
    const response = await fetch(`${baseUrl}/local/outbox?to=${encodeURIComponent(email(name))}`);
    const { items } = (await response.json()) as { items: Array<{ template: string; subject: string }> };
    log(`      outbox of ${name}: ${items.map((i) => i.template).join(', ') || '(empty)'}`);
  };
  return { person, expect, step, outbox, email, userId };
}

/** §2-§5: users, a workspace and roles, a team with a partner from another workspace, the three stages. */
export async function walkthrough(options: WalkthroughOptions): Promise<void> {
  const { person, expect, step, outbox, email, userId } = cast(options);
  const [alice, bob, carol, dan] = ['alice', 'bob', 'carol', 'dan'].map(person) as [
    PartnershipsClient,
    PartnershipsClient,
    PartnershipsClient,
    PartnershipsClient,
  ];

  step('§2 register users, create a workspace, add a member, promote, transfer ownership');
  for (const [client, name] of [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
    [dan, 'dan'],
  ] as const) {
    await expect(201, client.PUT('/me', { body: { name } }));
  }
  const acme = await expect(201, alice.POST('/workspaces', { body: { name: 'Acme' } }));
  const ws = { params: { path: { workspaceId: acme.workspaceId } } };
  await expect(201, alice.POST('/workspaces/{workspaceId}/members', { ...ws, body: { email: email('bob') } }));
  await expect(403, bob.GET('/workspaces/{workspaceId}/billing', ws));
  await expect(
    200,
    alice.PATCH('/workspaces/{workspaceId}/members/{userId}', {
      params: { path: { workspaceId: acme.workspaceId, userId: userId('bob') } },
      body: { role: 'admin' },
    }),
  );
  await expect(200, bob.GET('/workspaces/{workspaceId}/billing', ws));
  await expect(200, alice.POST('/workspaces/{workspaceId}/ownership-transfer', { ...ws, body: { userId: userId('bob') } }));
  await expect(200, bob.POST('/workspaces/{workspaceId}/ownership-transfer', { ...ws, body: { userId: userId('alice') } }));

  step("§3-4 a team; a member's partner invitation waits for an admin; collaboration; removal");
  const globex = await expect(201, carol.POST('/workspaces', { body: { name: 'Globex' } }));
  await expect(201, alice.POST('/workspaces/{workspaceId}/members', { ...ws, body: { email: email('dan') } }));
  const team = await expect(201, dan.POST('/workspaces/{workspaceId}/teams', { ...ws, body: { name: 'Launch', visibility: 'private' } }));
  const teamPath = { params: { path: { teamId: team.teamId } } };
  const invited = await expect(
    201,
    dan.POST('/teams/{teamId}/partner-invitations', {
      ...teamPath,
      body: { invitations: [{ email: email('carol'), permission: 'edit' }] },
    }),
  );
  const invitationId = invited.items[0]?.invitationId ?? '';
  await expect(
    200,
    alice.GET('/workspaces/{workspaceId}/partner-invitations', { params: { path: ws.params.path, query: { status: 'pending' } } }),
  );
  await expect(200, alice.POST('/partner-invitations/{invitationId}/approve', { params: { path: { invitationId } } }));
  const item = await expect(201, carol.POST('/teams/{teamId}/work-items', { ...teamPath, body: { title: 'Draft the launch plan' } }));
  await expect(
    200,
    carol.PATCH('/work-items/{workItemId}', { params: { path: { workItemId: item.workItemId } }, body: { status: 'doing' } }),
  );
  await expect(404, carol.GET('/workspaces/{workspaceId}/members', ws));
  await expect(
    204,
    alice.DELETE('/teams/{teamId}/partners/{userId}', { params: { path: { teamId: team.teamId, userId: userId('carol') } } }),
  );
  await expect(404, carol.GET('/teams/{teamId}/work-items', teamPath));
  await outbox('carol');

  step('§5 three stages: member request -> host admin approves -> guest admin accepts');
  const requested = await expect(
    201,
    dan.POST('/workspaces/{workspaceId}/partnerships', {
      ...ws,
      body: { guestWorkspaceId: globex.workspaceId, partnerEmail: email('carol'), reason: 'Shared launch' },
    }),
  );
  const ps = { params: { path: { partnershipId: requested.partnershipId } } };
  await expect(200, alice.GET('/partnerships/{partnershipId}', ps));
  await expect(200, alice.POST('/partnerships/{partnershipId}/approve', ps));
  await expect(422, carol.POST('/partnerships/{partnershipId}/accept', { ...ps, body: { acceptTerms: false } }));
  const accepted = await expect(200, carol.POST('/partnerships/{partnershipId}/accept', { ...ps, body: { acceptTerms: true } }));
  options.log(`      status: ${accepted.status}`);
  await expect(409, alice.POST('/partnerships/{partnershipId}/approve', ps));
  await outbox('dan');
}

/**
 * A decision right after a stage begins may come before the workflow registered the stage's wait (the
 * service records it either way and resumes the workflow later); a person takes seconds, the script
 * pauses a moment so that the run reads like theirs.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** §6: accounts, shares, logins, access requests, removal and the activity (docs/WALKTHROUGH-sharing.md). */
export async function walkthroughSharing(options: WalkthroughOptions): Promise<void> {
  const { person, expect, step, outbox, email, userId } = cast(options);
  const [hana, hugo, gwen, gabe, gina] = ['hana', 'hugo', 'gwen', 'gabe', 'gina'].map(person) as [
    PartnershipsClient,
    PartnershipsClient,
    PartnershipsClient,
    PartnershipsClient,
    PartnershipsClient,
  ];

  step('Setup: a host (hana owner, hugo member) and a guest workspace (gwen owner, gabe and gina members)');
  for (const [client, name] of [
    [hana, 'hana'],
    [hugo, 'hugo'],
    [gwen, 'gwen'],
    [gabe, 'gabe'],
    [gina, 'gina'],
  ] as const) {
    await expect(201, client.PUT('/me', { body: { name } }));
  }
  const host = await expect(201, hana.POST('/workspaces', { body: { name: 'Hostly' } }));
  const guest = await expect(201, gwen.POST('/workspaces', { body: { name: 'Guestco' } }));
  const hostPath = { params: { path: { workspaceId: host.workspaceId } } };
  const guestPath = { params: { path: { workspaceId: guest.workspaceId } } };
  await expect(201, hana.POST('/workspaces/{workspaceId}/members', { ...hostPath, body: { email: email('hugo') } }));
  for (const name of ['gabe', 'gina']) {
    await expect(201, gwen.POST('/workspaces/{workspaceId}/members', { ...guestPath, body: { email: email(name) } }));
  }

  step('An active partnership: hana (host Owner) requests, host approval is automatic, gwen accepts');
  const requested = await expect(
    201,
    hana.POST('/workspaces/{workspaceId}/partnerships', {
      ...hostPath,
      body: { guestWorkspaceId: guest.workspaceId, partnerEmail: email('gwen') },
    }),
  );
  const partnershipId = requested.partnershipId;
  const ps = { params: { path: { partnershipId } } };
  await settle();
  await expect(200, gwen.POST('/partnerships/{partnershipId}/accept', { ...ps, body: { acceptTerms: true } }));

  step('An account of the host (any member may add one: hugo becomes its creator)');
  const account = await expect(
    201,
    hugo.POST('/workspaces/{workspaceId}/accounts', { ...hostPath, body: { name: 'CRM', loginUrl: 'https://crm.example.com/login' } }),
  );
  const accountId = account.accountId;
  const logins = { params: { path: { accountId } } };
  await expect(200, hana.GET('/workspaces/{workspaceId}/accounts', hostPath));
  await expect(404, gwen.GET('/workspaces/{workspaceId}/accounts', hostPath));

  step('Sharing needs an active partnership and guest members');
  await expect(
    422,
    hana.POST('/partnerships/{partnershipId}/shares', {
      ...ps,
      body: {
        accountId,
        members: [
          { email: email('gabe'), role: 'manager' },
          { email: email('hugo'), role: 'collaborator' },
        ],
      },
    }),
  );

  step('hana (Partnership Owner) shares the CRM with gabe as Manager; gabe is told, sees the partnership and logs in');
  await expect(
    201,
    hana.POST('/partnerships/{partnershipId}/shares', { ...ps, body: { accountId, members: [{ email: email('gabe'), role: 'manager' }] } }),
  );
  await outbox('gabe');
  await expect(
    200,
    gabe.GET('/workspaces/{workspaceId}/partnerships', { params: { path: guestPath.params.path, query: { side: 'guest' } } }),
  );
  await expect(201, gabe.POST('/accounts/{accountId}/logins', logins));
  await expect(404, gina.POST('/accounts/{accountId}/logins', logins));

  step('gabe (Manager) requests access for gina (who cannot see the partnership yet); hana approves; gina logs in');
  const forGina = { ...ps, body: { accountId, email: email('gina'), role: 'collaborator' as const } };
  await expect(404, gina.POST('/partnerships/{partnershipId}/access-requests', forGina));
  const request = await expect(201, gabe.POST('/partnerships/{partnershipId}/access-requests', forGina));
  const req = { params: { path: { accessRequestId: request.accessRequestId } } };
  await outbox('hana');
  await expect(403, gwen.POST('/access-requests/{accessRequestId}/approve', req));
  await expect(200, hana.POST('/access-requests/{accessRequestId}/approve', req));
  await expect(409, hana.POST('/access-requests/{accessRequestId}/decline', { ...req, body: { reason: 'too late' } }));
  await outbox('gina');
  await expect(201, gina.POST('/accounts/{accountId}/logins', logins));
  await expect(200, hana.GET('/partnerships/{partnershipId}/shares', ps));

  step('gwen (guest Owner) removes gina from the partnership: her access ends at once');
  await expect(
    204,
    gwen.DELETE('/partnerships/{partnershipId}/guest-members/{userId}', { params: { path: { partnershipId, userId: userId('gina') } } }),
  );
  await expect(404, gina.POST('/accounts/{accountId}/logins', logins));
  await expect(201, gabe.POST('/accounts/{accountId}/logins', logins));

  step('The activity, on both sides');
  const activity = await expect(
    200,
    hana.GET('/partnerships/{partnershipId}/activity', { params: { path: { partnershipId }, query: { limit: 20 } } }),
  );
  for (const entry of activity.items) options.log(`      ${entry.at}  ${entry.action}  by ${entry.actorId}`);
  await expect(200, gwen.GET('/workspaces/{workspaceId}/activity', { params: { path: guestPath.params.path, query: { limit: 4 } } }));
  await expect(200, hana.GET('/workspaces/{workspaceId}/activity', { params: { path: hostPath.params.path, query: { limit: 3 } } }));
  await expect(403, gabe.GET('/partnerships/{partnershipId}/activity', ps));
  await expect(403, hugo.GET('/workspaces/{workspaceId}/activity', hostPath));

  step('Removing the partnership revokes every share in the same transaction');
  const removed = await expect(200, gwen.DELETE('/partnerships/{partnershipId}', ps));
  options.log(`      status: ${removed.status}`);
  await expect(404, gabe.POST('/accounts/{accountId}/logins', logins));
  await expect(404, gabe.GET('/partnerships/{partnershipId}', ps));
  await expect(201, hugo.POST('/accounts/{accountId}/logins', logins));
  step('done');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const baseUrl = process.env.BASE ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const options: WalkthroughOptions = { baseUrl, run: process.env.RUN ?? Date.now().toString(36), log: (line) => console.log(line) };
  const part = process.argv[2] ?? 'all';
  try {
    if (part === 'all' || part === 'main') await walkthrough(options);
    if (part === 'all' || part === 'sharing') await walkthroughSharing(options);
    console.log(`\nwalk-through passed (BASE=${baseUrl}, RUN=${options.run})`);
  } catch (error) {
    console.error(`\nwalk-through stopped: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
