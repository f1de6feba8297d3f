/**
 * The local runtime over real HTTP: health, local tokens and every token refusal, unknown routes,
 * the OpenAPI document, and `npm start` as a child process that leaves no DynamoDB Local behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { freePort } from '../../local/dynamodb';
import { REPO_ROOT } from '../../local/router';
import { startLocalService, type LocalService } from '../../local/runtime';
import { createTokenAuthority } from '../../local/tokens';
import { routes } from '../../shared/routes';
import { overHttp, send, type ApiResponse } from '../support/api';

let service: LocalService;

beforeAll(async () => {
  service = await startLocalService({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `local_runtime_${randomBytes(6).toString('hex')}`,
  });
});
afterAll(async () => {
  await service?.stop();
});

/** A request over HTTP to the local service, with this token (or none). */
const http = (
  method: string,
  path: string,
  { token, headers, body }: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
) =>
  send(
    { actor: null, method, path, body, headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } },
    overHttp(service.url).transport,
  );

const person = () => {
  const id = randomBytes(4).toString('hex');
  return { sub: `local-${id}`, email: `local.${id}@example.com` };
};

function expectUnauthenticated(response: ApiResponse) {
  expect(response.status).toBe(401);
  expect(response.headers['content-type']).toMatch(/application\/json/);
  expect(response.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
}

describe('local runtime over HTTP (port 0)', () => {
  it('listens on a free port and answers /local/health 200', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.url).not.toMatch(/:0$/);
    const health = await http('GET', '/local/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it('issues tokens with POST /local/tokens that work on PUT and GET /me', async () => {
    const who = person();
    const issued = await http('POST', '/local/tokens', { body: who });
    expect(issued.status).toBe(201);
    const token: string = issued.body.token;
    expect(token.split('.')).toHaveLength(3);
    const registered = await http('PUT', '/me', { token, body: { name: 'Local Lou' } });
    expect(registered.status).toBe(201);
    const me = await http('GET', '/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ userId: who.sub, email: who.email, name: 'Local Lou' });
    // The whole §2 path works over HTTP too.
    const created = await http('POST', '/workspaces', { token, body: { name: 'Over HTTP' } });
    expect(created.status).toBe(201);
    expect((await http('GET', '/me', { token })).body.workspace).toMatchObject({ name: 'Over HTTP', role: 'owner' });
  });

  it('hands committed domain events to the consumers while it runs: GET /local/events shows them, newest first', async () => {
    const owner = person();
    const joiner = person();
    const ownerToken: string = (await http('POST', '/local/tokens', { body: owner })).body.token;
    const joinerToken: string = (await http('POST', '/local/tokens', { body: joiner })).body.token;
    await http('PUT', '/me', { token: ownerToken, body: { name: 'Olga' } });
    await http('PUT', '/me', { token: joinerToken, body: { name: 'Jo' } });
    const workspaceId: string = (await http('POST', '/workspaces', { token: ownerToken, body: { name: 'Eventful' } })).body.workspaceId;
    const added = await http('POST', `/workspaces/${workspaceId}/members`, {
      token: ownerToken,
      headers: { 'x-correlation-id': 'local-events-1' },
      body: { email: joiner.email, role: 'admin' },
    });
    expect(added.status).toBe(201);
    // No call dispatches: the server's own dispatcher does (poll until it has).
    let items: Array<Record<string, any>> = [];
    while (items.length === 0) {
      await new Promise((done) => setTimeout(done, 50));
      items = (await http('GET', `/local/events?workspaceId=${workspaceId}&type=workspace.member_added.v1`)).body.items;
    }
    expect(items).toEqual([
      expect.objectContaining({
        type: 'workspace.member_added.v1',
        correlationid: 'local-events-1',
        data: { workspaceId, userId: joiner.sub, role: 'admin' },
      }),
    ]);
    expect((await http('GET', '/local/events')).status).toBe(400);
  });

  it('refuses bad token requests with 400', async () => {
    expect((await http('POST', '/local/tokens', { body: { sub: 'x' } })).status).toBe(400);
    expect((await http('POST', '/local/tokens', { body: { sub: 'x', email: 'nope' } })).status).toBe(400);
    expect((await http('POST', '/local/tokens', { body: '{"sub":' })).status).toBe(400);
  });

  describe('token refusals: 401 unauthenticated in the error format', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => {
      const who = person();
      return { sub: who.sub, email: who.email, iss: service.tokens.issuer, aud: service.tokens.audience, iat: now(), exp: now() + 600 };
    };

    it('missing Authorization header', async () => {
      expectUnauthenticated(await http('GET', '/me'));
    });

    it.each([
      ['not a JWT', 'Bearer not-a-jwt'],
      ['three garbage parts', 'Bearer aaa.bbb.ccc'],
      ['empty bearer', 'Bearer '],
      ['Basic scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
      ['token without scheme', 'eyJhbGciOiJSUzI1NiJ9.e30.x'],
    ])('malformed: %s', async (_label, authorization) => {
      expectUnauthenticated(await http('GET', '/me', { headers: { authorization } }));
    });

    it('expired', async () => {
      const token = await service.tokens.issue(person(), { expiresInSeconds: -60 });
      expectUnauthenticated(await http('GET', '/me', { token }));
      expectUnauthenticated(await http('GET', '/me', { token: await service.tokens.signRaw({ ...claims(), exp: now() - 3600 }) }));
    });

    it('not valid before a time in the future', async () => {
      const token = await service.tokens.issue(person(), { notBefore: now() + 3600 });
      expectUnauthenticated(await http('GET', '/me', { token }));
    });

    it('wrong issuer', async () => {
      expectUnauthenticated(
        await http('GET', '/me', { token: await service.tokens.signRaw({ ...claims(), iss: 'https://evil.example/' }) }),
      );
      const { iss: _dropped, ...noIssuer } = claims();
      expectUnauthenticated(await http('GET', '/me', { token: await service.tokens.signRaw(noIssuer) }));
    });

    it('wrong audience', async () => {
      expectUnauthenticated(await http('GET', '/me', { token: await service.tokens.signRaw({ ...claims(), aud: 'someone-else' }) }));
      const { aud: _dropped, ...noAudience } = claims();
      expectUnauthenticated(await http('GET', '/me', { token: await service.tokens.signRaw(noAudience) }));
    });

    it('alg none', async () => {
      const token = new UnsecuredJWT(claims()).encode();
      expect(token.endsWith('.')).toBe(true);
      expectUnauthenticated(await http('GET', '/me', { token }));
    });

    it('HS256', async () => {
      const secret = new TextEncoder().encode('a-shared-secret-that-the-server-never-agreed-to-use!');
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      expectUnauthenticated(await http('GET', '/me', { token }));
    });

    it('RS256 signed by another key, and by another authority with the same issuer', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'local' }).sign(privateKey);
      expectUnauthenticated(await http('GET', '/me', { token: forged }));
      const impostor = await createTokenAuthority(service.tokens.issuer, service.tokens.audience);
      expectUnauthenticated(await http('GET', '/me', { token: await impostor.issue(person()) }));
    });

    it('a token without sub or email reaches no handler state', async () => {
      const { email: _dropped, ...noEmail } = claims();
      const response = await http('GET', '/me', { token: await service.tokens.signRaw(noEmail) });
      expectUnauthenticated(response);
    });

    it('every route of the table is protected', async () => {
      for (const route of routes) {
        const path = route.path.replace(/\{[^}]+\}/g, 'abc');
        const response = await http(route.method, path, route.body ? { body: {} } : {});
        expect({ route: route.id, status: response.status }).toEqual({ route: route.id, status: 401 });
      }
    });
  });

  it('answers unknown routes with 404 not_found', async () => {
    const token = await service.tokens.issue(person());
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/'],
      ['DELETE', '/me'],
      ['GET', '/workspaces/a/b/c/d'],
      ['POST', '/local/nope'],
    ] as const) {
      for (const options of [{}, { token }]) {
        const response = await http(method, path, options);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      }
    }
  });

  it('serves an OpenAPI 3.1 document listing every route', async () => {
    const response = await http('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, id: op.operationId })),
    );
    expect(operations.map((o) => o.key).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(operations.map((o) => o.id).sort()).toEqual(routes.map((r) => r.id).sort());
    const createWorkspace = doc.paths['/workspaces'].post;
    expect(createWorkspace.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: expect.any(Object) },
      additionalProperties: false,
    });
    expect(createWorkspace.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(createWorkspace.responses['201']).toBeDefined();
  });
});

// ---- `npm start` as a child process -----------------------------------------------------------

/** Children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of childrenOf(queue.shift()!)) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(
  what: string | (() => string),
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let javaPid: number | undefined;

  afterAll(() => {
    // Clean up only what this test started, should an assertion have failed midway.
    for (const pid of [child?.pid, javaPid]) {
      if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('serves /local/health within 30 s and stops, with its DynamoDB Local, on SIGTERM', async () => {
    const port = await freePort();
    const unset = [
      'DATA_DIR',
      'TABLE_NAME',
      'DYNAMODB_ENDPOINT',
      'SERVICE_MODE',
      'VITEST',
      'VITEST_POOL_ID',
      'VITEST_WORKER_ID',
      'NODE_ENV',
    ];
    const inherited = Object.entries(process.env).filter(([name]) => !unset.includes(name));
    const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), PORT: String(port) };
    let output = '';
    child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    const started = Date.now();
    await waitFor(
      () => `health on port ${port}; output so far:\n${output}`,
      30_000,
      async () => {
        if (child!.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/local/health`);
          return response.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
    );
    expect(Date.now() - started).toBeLessThan(30_000);

    // The DynamoDB Local JVM that this `npm start` started (a descendant of our child).
    javaPid = descendantsOf(child.pid!).find((pid) => /DynamoDBLocal\.jar/.test(commandLine(pid)));
    expect(javaPid, `no DynamoDB Local under npm start:\n${output}`).toBeDefined();
    expect(running(javaPid!)).toBe(true);

    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    expect(code, output).toBe(0);
    await waitFor('the DynamoDB Local JVM to end', 10_000, () => (running(javaPid!) ? undefined : true));
    expect(running(javaPid!)).toBe(false);
    // Nothing listens on the port any more.
    await expect(fetch(`http://127.0.0.1:${port}/local/health`)).rejects.toThrow();
  }, 60_000);
});

describe('webhooks locally (SPEC §9)', () => {
  it('delivers a test event within a second, and POST /local/jobs/webhooks runs what is due', async () => {
    const { createServer } = await import('node:http');
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume();
      res.writeHead(received.length === 1 ? 200 : 500).end();
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    try {
      const port = (receiver.address() as { port: number }).port;
      const token = (await http('POST', '/local/tokens', { body: person() })).body.token as string;
      expect((await http('PUT', '/me', { token, body: { name: 'Hook Owner' } })).status).toBeLessThan(300);
      const workspace = await http('POST', '/workspaces', { token, body: { name: 'Hooks' } });
      const created = await http('POST', `/workspaces/${workspace.body.workspaceId}/webhooks`, {
        token,
        // Not "*": this endpoint would also receive its own webhook.created.v1 through the event dispatcher.
        body: { url: `http://localhost:${port}/in`, eventTypes: ['partnership.requested.v1'] },
      });
      expect(created.status).toBe(201);
      const sent = await http('POST', `/webhooks/${created.body.webhookId}/test`, { token });
      expect(sent.status).toBe(202);
      const deadline = Date.now() + 1000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([sent.body.eventId]);

      // A second test event fails (500); its retry is due 5 s later: the job at that time sends it again.
      await http('POST', `/webhooks/${created.body.webhookId}/test`, { token });
      const failedOnce = Date.now() + 1000;
      while (received.length < 2 && Date.now() < failedOnce) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      const job = await http('POST', '/local/jobs/webhooks', { body: { now: new Date(Date.now() + 60_000).toISOString() } });
      expect(job.status).toBe(200);
      expect(job.body).toEqual({ delivered: 0, failed: 0, pending: 1 });
      expect(received).toHaveLength(3);
      expectBadJob(await http('POST', '/local/jobs/webhooks', { body: { now: 'yesterday' } }));
    } finally {
      await new Promise<void>((done) => receiver.close(() => done()));
    }
  });
});

function expectBadJob(response: ApiResponse) {
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('validation_failed');
}
