/**
 * Tokens, over real HTTP through the local server's verification path (local/server.ts with the
 * token authority of local/tokens.ts, on an ephemeral port): every route of the route table with
 * every kind of bad token is 401 unauthenticated in the spec's format, never a 5xx, and reaches no
 * handler (nothing is stored). A valid token of a user removed from a workspace (or a team) gets
 * 404 on everything of that workspace, at once: every route of the route table on the workspace, its
 * teams and what belongs to them, with the request the other suites use (test/security/support/declarations.ts).
 */
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServer } from '../../local/server';
import { createTokenAuthority, type TokenAuthority } from '../../local/tokens';
import { routes } from '../../shared/routes';
import { overHttp, send, type Transport } from '../support/api';
import { errorCode } from '../support/errors';
import { useLocalWorkflow } from '../support/workflow';
import { victimRequest } from './support/declarations';
import { formatProblems, suiteCounters } from './support/harness';
import { describeChanges, diff, snapshot } from './support/snapshot';
import { victimWorld } from './support/worlds';

// The victim world's fixtures include an active partnership (a shared account): they need the runner.
const workflow = useLocalWorkflow();
const counters = suiteCounters('tokens');
let server: Server;
let overTheServer: Transport;
let tokens: TokenAuthority;

beforeAll(async () => {
  tokens = await createTokenAuthority('http://127.0.0.1/local-security');
  server = createLocalServer({ tokens, endpoints: new Map() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  overTheServer = overHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).transport;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
});

/** A request over HTTP with exactly this Authorization header (or none). */
const http = (
  method: string,
  path: string,
  { authorization, body, headers }: { authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  send(
    { actor: null, method, path, body, headers: { ...headers, ...(authorization === undefined ? {} : { authorization }) } },
    overTheServer,
  );

const now = () => Math.floor(Date.now() / 1000);
const person = () => {
  const id = randomBytes(5).toString('hex');
  return { sub: `tok-${id}`, email: `tok.${id}@example.com` };
};
const claims = () => ({ ...person(), iss: tokens.issuer, aud: tokens.audience, iat: now(), exp: now() + 600 });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every kind of token the authorizer must refuse: [label, Authorization header value or undefined]. */
async function badTokens(): Promise<Array<[string, string | undefined]>> {
  const { jwk, pem } = await tokens.publicKey();
  const valid = await tokens.issue(person());
  const [header, payload, signature] = valid.split('.');
  const attacker = await generateKeyPair('RS256');
  const attackerJwk = await exportJWK(attacker.publicKey);
  const { iss: _iss, ...noIssuer } = claims();
  const { aud: _aud, ...noAudience } = claims();
  const { sub: _sub, ...noSubject } = claims();
  const { email: _email, ...noEmail } = claims();
  const { exp: _exp, ...noExpiry } = claims();
  const hs256 = (secret: string) => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
  return [
    ['missing Authorization header', undefined],
    ['empty Authorization header', ''],
    ['Bearer without a token', 'Bearer '],
    ['not a JWT', 'Bearer not-a-jwt'],
    ['three garbage parts', 'Bearer aaa.bbb.ccc'],
    ['Basic scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['token without a scheme', valid],
    ['two tokens', `Bearer ${valid} ${valid}`],
    ['expired', `Bearer ${await tokens.issue(person(), { expiresInSeconds: -60 })}`],
    ['expired an hour ago', `Bearer ${await tokens.signRaw({ ...claims(), exp: now() - 3600 })}`],
    ['without exp', `Bearer ${await tokens.signRaw(noExpiry)}`],
    ['exp as a string', `Bearer ${await tokens.signRaw({ ...claims(), exp: String(now() + 600) as unknown as number })}`],
    ['not yet valid (nbf in an hour)', `Bearer ${await tokens.issue(person(), { notBefore: now() + 3600 })}`],
    ['wrong issuer', `Bearer ${await tokens.signRaw({ ...claims(), iss: 'https://evil.example/' })}`],
    ['no issuer', `Bearer ${await tokens.signRaw(noIssuer)}`],
    ['wrong audience', `Bearer ${await tokens.signRaw({ ...claims(), aud: 'someone-else' })}`],
    ['no audience', `Bearer ${await tokens.signRaw(noAudience)}`],
    ['alg none', `Bearer ${new UnsecuredJWT(claims()).encode()}`],
    ['alg none with the real signature', `Bearer ${b64({ alg: 'none' })}.${payload}.${signature}`],
    ['HS256 signed with the public key (PEM) as secret', `Bearer ${await hs256(pem)}`],
    ['HS256 signed with the public key (JWK JSON) as secret', `Bearer ${await hs256(JSON.stringify(jwk))}`],
    [
      'RS256 signed by another key',
      `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'local' }).sign(attacker.privateKey)}`,
    ],
    [
      'RS256 with the attacker key embedded (jwk header)',
      `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', jwk: attackerJwk }).sign(attacker.privateKey)}`,
    ],
    [
      'another authority with the same issuer and audience',
      `Bearer ${await (await createTokenAuthority(tokens.issuer, tokens.audience)).issue(person())}`,
    ],
    ['signature stripped', `Bearer ${header}.${payload}.`],
    ['payload swapped after signing', `Bearer ${header}.${b64({ ...claims(), sub: 'someone-else' })}.${signature}`],
    ['valid signature, no sub', `Bearer ${await tokens.signRaw(noSubject)}`],
    ['valid signature, no email', `Bearer ${await tokens.signRaw(noEmail)}`],
  ];
}

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'abc');

describe('bad tokens on every route', () => {
  it('are refused with 401 unauthenticated in the spec format, never 5xx, and store nothing', async () => {
    const cases = await badTokens();
    counters.add('tokenKinds', cases.length);
    const before = await snapshot();
    const problems: string[] = [];
    for (const route of routes) {
      const results = await Promise.all(
        cases.map(async ([label, authorization]) => ({
          label,
          response: await http(route.method, concrete(route.path), { authorization, body: route.body ? {} : undefined }),
        })),
      );
      for (const { label, response } of results) {
        counters.add('tokenCases');
        for (const p of counters.observe(response)) problems.push(`${route.id} / ${label}: ${p}`);
        if (response.status !== 401 || errorCode(response) !== 'unauthenticated') {
          problems.push(`${route.id} / ${label}: ${response.status} ${response.text.slice(0, 160)}`);
        }
      }
    }
    const changes = diff(before, await snapshot());
    problems.push(...counters.stateChanged(changes));
    expect(problems).toEqual([]);
  });

  it('a valid token is accepted (the refusals are not a broken server)', async () => {
    const who = person();
    const token = await tokens.issue(who);
    const response = await http('PUT', '/me', { authorization: `Bearer ${token}`, body: { name: 'Token Tess' } });
    expect(response.status).toBe(201);
    expect((await http('GET', '/me', { authorization: `bearer ${token}` })).status).toBe(200);
    counters.add('tokenCases', 2);
  });
});

describe('a valid token of a user who was removed', () => {
  const bearer = async (who: { sub: string; email: string }) => `Bearer ${await tokens.issue(who)}`;
  async function must(method: string, path: string, authorization: string, body?: unknown) {
    const response = await http(method, path, { authorization, body });
    expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(300);
    return response.body;
  }

  /** Routes on a workspace or on what belongs to it (its teams, their work items and partner invitations, its accounts). */
  const OF_A_WORKSPACE = /^\/(workspaces\/\{workspaceId\}|teams\/\{teamId\}|work-items\/|partner-invitations\/|accounts\/)/;

  it('gets 404 on every route of the workspace, its teams and their objects once removed, and keeps GET /me', async () => {
    const w = victimWorld('removed', workflow.runner);
    const workspaceId = await w.workspaceId();
    const ownerAuth = await bearer({ sub: (await w.owner()).userId, email: (await w.owner()).email });
    // An Admin of the workspace, with a private team, a work item and an account of their own.
    const leaver = await w.newMember(await w.host(), 'admin', 'leaver');
    const leaverAuth = await bearer({ sub: leaver.userId, email: leaver.email });
    const team = (await must('POST', `/workspaces/${workspaceId}/teams`, leaverAuth, { name: 'Private', visibility: 'private' })).teamId;
    const item = (await must('POST', `/teams/${team}/work-items`, leaverAuth, { title: 'Mine' })).workItemId;
    const account = (await must('POST', `/workspaces/${workspaceId}/accounts`, leaverAuth, { name: 'Their account' })).accountId;

    // The other suites' valid request of each such route (by its entitled actor, on the world's objects),
    // built before the removal; the same request on the leaver's own team, work item and account too.
    const scoped = routes.filter((r) => OF_A_WORKSPACE.test(r.path));
    expect(scoped.length).toBeGreaterThan(20);
    const own: Array<[string, string]> = [
      [await w.team(), team],
      [await w.workItem(), item],
      [await w.sharedAccount(), account],
    ];
    const attempts: Array<{ label: string; method: string; path: string; body?: unknown; headers?: Record<string, string> }> = [];
    for (const route of scoped) {
      const { request } = await victimRequest(route, w);
      const label = `${route.id} (${request.method} ${request.path})`;
      attempts.push({ label, method: request.method, path: request.path, body: request.body, headers: request.headers });
      const onOwn = own.reduce((path, [theirs, mine]) => path.split(theirs).join(mine), request.path);
      if (onOwn !== request.path)
        attempts.push({
          label: `${route.id} on their own (${request.method} ${onOwn})`,
          method: request.method,
          path: onOwn,
          body: request.body,
          headers: request.headers,
        });
    }
    // While a member, the token works.
    expect((await http('GET', `/workspaces/${workspaceId}`, { authorization: leaverAuth })).status).toBe(200);
    expect((await http('GET', `/teams/${team}/work-items`, { authorization: leaverAuth })).status).toBe(200);
    expect((await http('POST', `/accounts/${await w.sharedAccount()}/logins`, { authorization: leaverAuth })).status).toBe(201);

    expect((await http('DELETE', `/workspaces/${workspaceId}/members/${leaver.userId}`, { authorization: ownerAuth })).status).toBe(204);

    const before = await snapshot();
    const problems: string[] = [];
    for (const { label, method, path, body, headers } of attempts) {
      const response = await http(method, path, { authorization: leaverAuth, body, headers });
      counters.add('removedUserCases');
      for (const p of formatProblems(response)) problems.push(`${label}: ${p}`);
      if (response.status !== 404 || errorCode(response) !== 'not_found')
        problems.push(`${label}: ${response.status} ${response.text.slice(0, 160)}`);
    }
    // Refused logins are logged (SPEC §6): activity entries are the only thing that may appear.
    const changes = diff(before, await snapshot(), (key) => key.startsWith('ACT#'));
    if (changes.length) problems.push(`state changed:\n${describeChanges(changes)}`);
    expect(problems).toEqual([]);

    // Still a registered user: /me works and shows no workspace.
    const me = await http('GET', '/me', { authorization: leaverAuth });
    expect(me.status).toBe(200);
    expect(me.body.workspace ?? null).toBeNull();
    counters.add('removedUserCases', 1);
  });

  it('a partner removed from a team gets 404 on that team at once', async () => {
    const [owner, partner] = [person(), person()];
    const [ownerAuth, partnerAuth] = [await bearer(owner), await bearer(partner)];
    await must('PUT', '/me', ownerAuth, { name: 'Host owner' });
    await must('PUT', '/me', partnerAuth, { name: 'Partner' });
    const ws = (await must('POST', '/workspaces', ownerAuth, { name: 'Host Co' })).workspaceId;
    await must('POST', '/workspaces', partnerAuth, { name: 'Partner Co' });
    const team = (await must('POST', `/workspaces/${ws}/teams`, ownerAuth, { name: 'Shared', visibility: 'open' })).teamId;
    await must('POST', `/teams/${team}/partner-invitations`, ownerAuth, { invitations: [{ email: partner.email, permission: 'edit' }] });
    expect((await http('GET', `/teams/${team}/work-items`, { authorization: partnerAuth })).status).toBe(200);
    expect((await http('DELETE', `/teams/${team}/partners/${partner.sub}`, { authorization: ownerAuth })).status).toBe(204);
    const problems: string[] = [];
    for (const [method, path, body] of [
      ['GET', `/teams/${team}`],
      ['GET', `/teams/${team}/work-items`],
      ['POST', `/teams/${team}/work-items`, { title: 'After removal' }],
      ['GET', `/teams/${team}/members`],
      ['GET', `/teams/${team}/partners`],
    ] as Array<[string, string, unknown?]>) {
      const response = await http(method, path, { authorization: partnerAuth, body });
      counters.add('removedUserCases');
      if (response.status !== 404 || errorCode(response) !== 'not_found')
        problems.push(`${method} ${path}: ${response.status} ${response.text.slice(0, 160)}`);
    }
    expect(problems).toEqual([]);
  });
});
