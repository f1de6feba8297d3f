/**
 * `npm run load`: a load test of the local service over HTTP with autocannon.
 *
 * Starts the service in a child process (what `npm start` runs, on LOAD_PORT, default 3300) and stops
 * it at the end (DynamoDB Local's JVM too), or targets a running one when LOAD_URL is set. Seeds data
 * through the public API, then runs three autocannon instances at once that share the connection
 * budget: reads, writes, and decisions (host-guest partnerships requested by members and decided by
 * the host admin). Every request of the mix is valid by construction: each writing connection works
 * on its own objects, so any non-2xx is a finding, never an expected race.
 *
 * Settings: LOAD_CONNECTIONS (50), LOAD_DURATION seconds (30), LOAD_WARMUP seconds (3, not measured;
 * 0 skips), LOAD_TIMEOUT seconds per request (10), LOAD_WRITE_DOCS=0 to leave docs/LOAD.md and
 * README.md alone. Exit code 1 when a request failed (socket error, timeout) or answered non-2xx, or
 * when a connection was left without objects of its own (failed passes used up the spares).
 */
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { table } from '../bench/report';
import { formatMs, percentile } from '../bench/stats';
import { replaceReadmeSection } from './readme-section';

const ROOT = resolve(import.meta.dirname, '..');

// ---- settings ----------------------------------------------------------------------------------------

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min} (got "${raw}").`);
    process.exit(2);
  }
  return value;
}

const settings = {
  url: process.env.LOAD_URL?.replace(/\/+$/, '') || undefined,
  port: whole('LOAD_PORT', 3300, 1),
  connections: whole('LOAD_CONNECTIONS', 50, 3),
  duration: whole('LOAD_DURATION', 30, 1),
  warmup: whole('LOAD_WARMUP', 3, 0),
  timeout: whole('LOAD_TIMEOUT', 10, 1),
  writeDocs: process.env.LOAD_WRITE_DOCS !== '0',
};

type KindName = 'reads' | 'writes' | 'decisions';
const KINDS: KindName[] = ['reads', 'writes', 'decisions'];

/** The connection budget: half reads, 30 % writes, 20 % decisions (at least one each). */
function splitConnections(total: number): Record<KindName, number> {
  const decisions = Math.max(1, Math.round(total * 0.2));
  const writes = Math.max(1, Math.round(total * 0.3));
  return { reads: total - decisions - writes, writes, decisions };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---- the service under test ----------------------------------------------------------------------------

interface Target {
  url: string;
  /** Our child process (undefined with LOAD_URL). */
  pid?: number;
  /** Last lines the service printed. */
  output: () => string;
  stop: () => Promise<void>;
}

async function waitHealthy(url: string, deadlineMs: number, died?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const reason = died?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(`${url}/local/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/local/health did not answer 200 within ${Math.round(deadlineMs / 1000)} s`);
    await sleep(250);
  }
}

/**
 * `npm start` without npm in between (package.json's start is `exec node --import tsx local/main.ts`):
 * its own process group, so that whatever happens nothing of it outlives this script.
 */
async function startService(port: number): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((done) => child.once('exit', (code, signal) => ((exitCode = code ?? (signal ? -1 : null)), done())));
  const output = () => lines.join('\n');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exitCode === undefined) {
      child.kill('SIGTERM'); // local/main.ts stops DynamoDB Local, then exits
      await Promise.race([exited, sleep(20_000)]);
      if (exitCode === undefined) console.error('load: the service did not stop within 20 s; killing its process group');
    }
    // Whatever is left of the group (the JVM is in it) goes; nothing left is the usual case.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, 240_000, () =>
      exitCode !== undefined ? `the service exited while starting (code ${exitCode}):\n${output().slice(-3000)}` : undefined,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid, output, stop };
}

// ---- CPU accounting (Linux /proc; figures are omitted elsewhere) -----------------------------------

const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(result.stdout?.trim()) || 100;
})();

/** The fields of /proc/<pid>/stat this script reads (undefined once the process is gone). */
function readStat(pid: number | string): { ppid: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the command, in parentheses, may hold spaces
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // no /proc
  }
  return entries.filter((entry) => /^\d+$/.test(entry) && readStat(entry)?.ppid === pid).map(Number);
}

/** All CPUs' busy and total ticks (/proc/stat). */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = values[3] + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

interface CpuSnapshot {
  at: number;
  server?: number;
  jvm?: number;
  self: NodeJS.CpuUsage;
  machine?: { busy: number; total: number };
}

function cpuSnapshot(target: Target): CpuSnapshot {
  const jvm = target.pid ? childPids(target.pid).flatMap((pid) => readStat(pid)?.ticks ?? []) : [];
  return {
    at: performance.now(),
    server: target.pid ? readStat(target.pid)?.ticks : undefined,
    jvm: jvm.length ? jvm.reduce((a, b) => a + b, 0) : undefined,
    self: process.cpuUsage(),
    machine: machineTicks(),
  };
}

interface CpuShares {
  /** Percent of one core, over the measured run. */
  server?: number;
  jvm?: number;
  loadGenerator: number;
  /** Percent of the whole machine (all cores) used by processes other than these three. */
  others?: number;
  machineBusy?: number;
}

function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const seconds = (after.at - before.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / CLOCK_TICKS / seconds;
  const server = before.server !== undefined && after.server !== undefined ? pct(after.server - before.server) : undefined;
  const jvm = before.jvm !== undefined && after.jvm !== undefined ? pct(after.jvm - before.jvm) : undefined;
  const selfMicros = after.self.user - before.self.user + (after.self.system - before.self.system);
  const loadGenerator = selfMicros / 10_000 / seconds;
  let others: number | undefined;
  let machineBusy: number | undefined;
  if (before.machine && after.machine) {
    const total = after.machine.total - before.machine.total;
    const busy = after.machine.busy - before.machine.busy;
    machineBusy = (100 * busy) / total;
    const ours = ((server ?? 0) + (jvm ?? 0) + loadGenerator) * seconds * CLOCK_TICKS / 100;
    others = Math.max(0, (100 * (busy - ours)) / total);
  }
  return { server, jvm, loadGenerator, others, machineBusy };
}

// ---- seeding through the public API ---------------------------------------------------------------------

interface Actor {
  sub: string;
  email: string;
  token: string;
}

class ApiError extends Error {}

class Api {
  calls = 0;
  constructor(readonly base: string) {}

  async call<T = any>(actor: Actor | undefined, method: string, path: string, body?: unknown, expect: number[] = [200, 201, 204]): Promise<T> {
    this.calls++;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(actor ? { authorization: `Bearer ${actor.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!expect.includes(response.status)) {
      throw new ApiError(`seeding: ${method} ${path} answered ${response.status}: ${text.slice(0, 400)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

interface WriterSlot {
  actor: Actor;
  /** Member of the team, or an active partner with `edit` from the partner workspace. */
  as: 'member' | 'partner';
}

interface DecisionSlot {
  /** A plain member of the host workspace: requests, becomes Partnership Owner, removes. */
  requester: Actor;
  /** Owner of a guest workspace of its own: accepts. */
  guestAdmin: Actor;
  guestWorkspaceId: string;
}

interface World {
  hostId: string;
  teamId: string;
  owner: Actor;
  admin: Actor;
  member: Actor;
  readers: Actor[];
  /** Requested by `member`, waiting for the host admin (never decided: read by the read mix). */
  pendingPartnershipId: string;
  activePartnershipId: string;
  writers: WriterSlot[];
  decisionSlots: DecisionSlot[];
  seeded: string[];
  apiCalls: number;
  ms: number;
}

async function seed(base: string, sizes: { writers: number; decisionSlots: number }): Promise<World> {
  const started = performance.now();
  const api = new Api(base);
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let serial = 0;
  const newActor = async (label: string): Promise<Actor> => {
    const sub = `load-${run}-${label}-${(serial++).toString(36)}`;
    const email = `${sub}@load.example.com`;
    const { token } = await api.call<{ token: string }>(undefined, 'POST', '/local/tokens', { sub, email });
    const actor = { sub, email, token };
    await api.call(actor, 'PUT', '/me', { name: `Load ${label}` });
    return actor;
  };
  const partnerWriters = Math.floor(sizes.writers / 3);
  const memberWriters = sizes.writers - partnerWriters;

  // Users register in parallel (independent); everything that changes a shared item (a workspace's
  // membership, the team) is done one call at a time, as an admin would.
  const [owner, admin, member, partnerOwner, activeGuestOwner] = await inParallel(
    ['owner', 'admin', 'member', 'partner-owner', 'active-guest-owner'],
    5,
    (label) => newActor(label),
  );
  const members = await inParallel(Array.from({ length: memberWriters }), 4, () => newActor('writer'));
  const partners = await inParallel(Array.from({ length: partnerWriters }), 4, () => newActor('partner'));
  const requesters = await inParallel(Array.from({ length: sizes.decisionSlots }), 4, () => newActor('requester'));
  const guestAdmins = await inParallel(Array.from({ length: sizes.decisionSlots }), 4, () => newActor('guest'));

  const { workspaceId: hostId } = await api.call(owner, 'POST', '/workspaces', { name: `Load host ${run}` });
  const { workspaceId: partnerWorkspaceId } = await api.call(partnerOwner, 'POST', '/workspaces', { name: `Load partner ${run}` });
  const { workspaceId: activeGuestId } = await api.call(activeGuestOwner, 'POST', '/workspaces', { name: `Load guest ${run}` });
  const guestWorkspaceIds = await inParallel(guestAdmins, 4, async (guest, i) => {
    const { workspaceId } = await api.call(guest, 'POST', '/workspaces', { name: `Load guest ${run} ${i}` });
    return workspaceId as string;
  });

  await api.call(owner, 'POST', `/workspaces/${hostId}/members`, { email: admin.email, role: 'admin' });
  for (const user of [member, ...members, ...requesters]) {
    await api.call(owner, 'POST', `/workspaces/${hostId}/members`, { email: user.email });
  }
  for (const user of partners) await api.call(partnerOwner, 'POST', `/workspaces/${partnerWorkspaceId}/members`, { email: user.email });

  const { teamId } = await api.call(member, 'POST', `/workspaces/${hostId}/teams`, { name: `Load team ${run}`, visibility: 'open' });
  for (const user of [owner, admin, ...members]) await api.call(member, 'POST', `/teams/${teamId}/members`, { email: user.email });

  // Partners: the admin's invitation is active at once; the member's waits for the admin's approval.
  let invitations = 0;
  for (let i = 0; i < partners.length; i += 20) {
    const batch = partners.slice(i, i + 20).map((p) => ({ email: p.email, permission: 'edit' }));
    await api.call(admin, 'POST', `/teams/${teamId}/partner-invitations`, { invitations: batch });
    invitations += batch.length;
  }
  const pending = await api.call(member, 'POST', `/teams/${teamId}/partner-invitations`, {
    invitations: [{ email: partnerOwner.email, permission: 'view' }],
  });
  await api.call(admin, 'POST', `/partner-invitations/${pending.items[0].invitationId}/approve`);
  invitations += 1;

  const workItems = 10;
  for (let i = 0; i < workItems; i++) {
    await api.call(i % 2 ? member : owner, 'POST', `/teams/${teamId}/work-items`, { title: `Seeded item ${i}`, ...(i % 3 === 0 ? { assigneeId: member.sub } : {}) });
  }

  // One partnership waits for the host admin; one went through all three stages.
  const { partnershipId: pendingPartnershipId } = await api.call(member, 'POST', `/workspaces/${hostId}/partnerships`, {
    guestWorkspaceId: partnerWorkspaceId,
    partnerEmail: partnerOwner.email,
    reason: 'We work with them on the launch.',
  });
  const { partnershipId: activePartnershipId } = await api.call(admin, 'POST', `/workspaces/${hostId}/partnerships`, {
    guestWorkspaceId: activeGuestId,
    partnerEmail: activeGuestOwner.email,
  });
  await api.call(activeGuestOwner, 'POST', `/partnerships/${activePartnershipId}/accept`, { acceptTerms: true });
  const guestView = await api.call(activeGuestOwner, 'GET', `/partnerships/${activePartnershipId}`);
  if (guestView.status !== 'active') throw new ApiError(`seeding: the accepted partnership is ${guestView.status}, not active`);

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
    writers: [...members.map((actor) => ({ actor, as: 'member' as const })), ...partners.map((actor) => ({ actor, as: 'partner' as const }))],
    decisionSlots: requesters.map((requester, i) => ({ requester, guestAdmin: guestAdmins[i], guestWorkspaceId: guestWorkspaceIds[i] })),
    seeded: [
      `${users} users, ${3 + guestWorkspaceIds.length} workspaces (host with ${3 + members.length + requesters.length} members)`,
      `1 open team with ${3 + members.length} members and ${invitations} partners (${invitations} partner invitations, 1 approved by the admin)`,
      `${workItems} work items; 2 partnerships (1 awaiting_host_approval, 1 active after the three stages)`,
    ],
    apiCalls: api.calls,
    ms: Math.round(performance.now() - started),
  };
}

// ---- the mix ----------------------------------------------------------------------------------------------

/** Per-connection context of one pass through a kind's sequence (autocannon resets it each pass). */
interface Context {
  slot?: unknown;
  /** Index of the last step answered as expected in this pass. */
  answered: number;
  sentAt: number;
  [value: string]: unknown;
}

interface Step {
  /** Route template, for the report. */
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  expect: number;
  actor: (ctx: Context) => Actor;
  path: (ctx: Context) => string;
  body?: (ctx: Context) => unknown;
  /** Keeps what later steps need from the response body. */
  keep?: (body: any, ctx: Context) => void;
}

interface KindPlan {
  name: KindName;
  description: string;
  steps: Step[];
  /** Exclusive: a connection holds its slot for a whole pass (no two connections share objects). */
  exclusive: boolean;
  slots: unknown[];
}

/**
 * Hands out slots. Exclusive ones come back only after a pass that went as expected (after a failure
 * the slot's objects are in an unknown state: never used again), so failed passes use up the spares.
 */
class SlotPool {
  private free: unknown[];
  private next = 0;
  private waiting = 0;
  /** The most connections that were without a slot at once. */
  starved = 0;
  constructor(readonly slots: unknown[], readonly exclusive: boolean) {
    this.free = [...slots];
  }
  /** A slot, or null when every exclusive slot is held or set aside (the caller waits: see doneWaiting). */
  take(): unknown {
    if (!this.exclusive) return this.slots[this.next++ % this.slots.length];
    const slot = this.free.shift();
    if (slot !== undefined) return slot;
    this.starved = Math.max(this.starved, ++this.waiting);
    return null;
  }
  doneWaiting() {
    this.waiting--;
  }
  release(slot: unknown) {
    if (this.exclusive) this.free.push(slot);
  }
  /** Slots free at the end (those held by a pass cut off by the end of the run are not). */
  remaining(): unknown[] {
    return this.exclusive ? [...this.free] : this.slots;
  }
}

function buildPlans(world: World): KindPlan[] {
  let titles = 0;
  const reader = (ctx: Context) => ctx.slot as Actor;
  const writer = (ctx: Context) => (ctx.slot as WriterSlot).actor;
  const decision = (ctx: Context) => ctx.slot as DecisionSlot;
  const requestStep = (route: string, reason: string): Step => ({
    route,
    method: 'POST',
    expect: 201,
    actor: (ctx) => decision(ctx).requester,
    path: () => `/workspaces/${world.hostId}/partnerships`,
    body: (ctx) => ({ guestWorkspaceId: decision(ctx).guestWorkspaceId, partnerEmail: decision(ctx).guestAdmin.email, reason }),
    keep: (body, ctx) => (ctx.partnershipId = body.partnershipId),
  });
  return [
    {
      name: 'reads',
      description:
        'GET /me, GET /workspaces/{id}, GET /teams/{id}/work-items, GET /workspaces/{id}/partnerships, GET /partnerships/{id} in turn, as the host Owner, Admin or a member (round robin per pass).',
      exclusive: false,
      slots: world.readers,
      steps: [
        { route: 'GET /me', method: 'GET', expect: 200, actor: reader, path: () => '/me' },
        { route: 'GET /workspaces/{id}', method: 'GET', expect: 200, actor: reader, path: () => `/workspaces/${world.hostId}` },
        { route: 'GET /teams/{id}/work-items', method: 'GET', expect: 200, actor: reader, path: () => `/teams/${world.teamId}/work-items` },
        { route: 'GET /workspaces/{id}/partnerships', method: 'GET', expect: 200, actor: reader, path: () => `/workspaces/${world.hostId}/partnerships` },
        { route: 'GET /partnerships/{id}', method: 'GET', expect: 200, actor: reader, path: () => `/partnerships/${world.pendingPartnershipId}` },
      ],
    },
    {
      name: 'writes',
      description:
        'POST /teams/{id}/work-items, then PATCH /work-items/{id} of that item (status doing, assigned to the writer, renamed); each connection writes as its own team member or `edit` partner (one writer in three is a partner).',
      exclusive: true,
      slots: world.writers,
      steps: [
        {
          route: 'POST /teams/{id}/work-items',
          method: 'POST',
          expect: 201,
          actor: writer,
          path: () => `/teams/${world.teamId}/work-items`,
          body: () => ({ title: `Load item ${titles++}` }),
          keep: (body, ctx) => (ctx.workItemId = body.workItemId),
        },
        {
          route: 'PATCH /work-items/{id}',
          method: 'PATCH',
          expect: 200,
          actor: writer,
          path: (ctx) => `/work-items/${ctx.workItemId}`,
          // Every writer assigns the item to themselves (a partner too: its writer and assignee
          // checks are one ConditionCheck) and renames it.
          body: (ctx) => ({ status: 'doing', assigneeId: writer(ctx).sub, title: `Load item ${titles++} (edited)` }),
        },
      ],
    },
    {
      name: 'decisions',
      description:
        'A member requests a partnership with a guest workspace; the host admin approves; the guest admin accepts; the member removes it; the member requests again; the host admin declines. Each connection uses its own member and guest workspace, so every decision is valid.',
      exclusive: true,
      slots: world.decisionSlots,
      steps: [
        requestStep('POST /workspaces/{id}/partnerships', 'Load test: joint project.'),
        {
          route: 'POST /partnerships/{id}/approve',
          method: 'POST',
          expect: 200,
          actor: () => world.admin,
          path: (ctx) => `/partnerships/${ctx.partnershipId}/approve`,
        },
        {
          route: 'POST /partnerships/{id}/accept',
          method: 'POST',
          expect: 200,
          actor: (ctx) => decision(ctx).guestAdmin,
          path: (ctx) => `/partnerships/${ctx.partnershipId}/accept`,
          body: () => ({ acceptTerms: true }),
        },
        {
          route: 'DELETE /partnerships/{id}',
          method: 'DELETE',
          expect: 200,
          actor: (ctx) => decision(ctx).requester,
          path: (ctx) => `/partnerships/${ctx.partnershipId}`,
        },
        requestStep('POST /workspaces/{id}/partnerships (again)', 'Load test: second try.'),
        {
          route: 'POST /partnerships/{id}/decline',
          method: 'POST',
          expect: 200,
          actor: () => world.admin,
          path: (ctx) => `/partnerships/${ctx.partnershipId}/decline`,
          body: () => ({ reason: 'Not this quarter.' }),
        },
      ],
    },
  ];
}

// ---- running ------------------------------------------------------------------------------------------

interface RouteTally {
  kind: KindName;
  route: string;
  expect: number;
  statuses: Map<number, number>;
  /** Milliseconds from setupRequest to onResponse (all statuses). */
  latencies: number[];
}

interface Unexpected {
  route: string;
  status: number;
  body: string;
}

interface KindResult {
  name: KindName;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Passes abandoned because a step failed or timed out. */
  abandoned: number;
  /** Connections left without a slot at once, at most (see SlotPool). */
  starved: number;
}

interface MixResult {
  kinds: KindResult[];
  routes: RouteTally[];
  unexpected: Unexpected[];
  unexpectedCount: number;
  remainingSlots: Map<KindName, unknown[]>;
}

function toRequests(plan: KindPlan, pool: SlotPool, tally: Map<string, RouteTally>, onUnexpected: (u: Unexpected) => void, counters: { abandoned: number }) {
  const last = plan.steps.length - 1;
  return plan.steps.map((step, index) => {
    const key = `${plan.name} ${index}`;
    if (!tally.has(key)) tally.set(key, { kind: plan.name, route: step.route, expect: step.expect, statuses: new Map(), latencies: [] });
    const routeTally = tally.get(key)!;
    const request: autocannon.Request = {
      method: step.method,
      setupRequest: (req, context) => {
        const ctx = context as Context;
        if (index === 0) {
          ctx.slot = pool.take();
          ctx.answered = -1;
          // No slot: autocannon cannot skip a pass's first request, so a stand-in that touches no data
          // goes instead (not tallied); the next pass asks for a slot again.
          if (ctx.slot === null) return { ...req, method: 'GET', path: '/local/health', headers: {}, body: '' };
        } else if (ctx.slot === null) {
          return null;
        } else if (ctx.answered !== index - 1) {
          // The previous step failed or timed out: this pass cannot go on; start a new one.
          counters.abandoned++;
          return null;
        }
        const body = step.body?.(ctx);
        req.method = step.method;
        req.path = step.path(ctx);
        req.headers = {
          authorization: `Bearer ${step.actor(ctx).token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        };
        req.body = body === undefined ? '' : JSON.stringify(body);
        ctx.sentAt = performance.now();
        return req;
      },
      onResponse: (status, body, context) => {
        const ctx = context as Context;
        if (ctx.slot === null) {
          pool.doneWaiting();
          return;
        }
        routeTally.statuses.set(status, (routeTally.statuses.get(status) ?? 0) + 1);
        routeTally.latencies.push(performance.now() - ctx.sentAt);
        let ok = status === step.expect;
        if (ok && step.keep) {
          try {
            step.keep(JSON.parse(body), ctx);
          } catch {
            ok = false;
          }
        }
        if (!ok) {
          onUnexpected({ route: step.route, status, body: body.slice(0, 300) });
          return;
        }
        ctx.answered = index;
        if (index === last) pool.release(ctx.slot);
      },
    };
    return request;
  });
}

const answered = (route: RouteTally) => [...route.statuses.values()].reduce((a, b) => a + b, 0);
const non2xx = (route: RouteTally) => [...route.statuses].reduce((a, [status, n]) => a + (status >= 200 && status < 300 ? 0 : n), 0);
const sum = <T>(items: T[], pick: (item: T) => number) => items.reduce((a, item) => a + pick(item), 0);

async function runMix(url: string, plans: KindPlan[], split: Record<KindName, number>, duration: number, slotsFor: (kind: KindName) => unknown[]): Promise<MixResult> {
  const tally = new Map<string, RouteTally>();
  const unexpected: Unexpected[] = [];
  let unexpectedCount = 0;
  const remainingSlots = new Map<KindName, unknown[]>();
  const runs = plans.map(async (plan) => {
    const connections = split[plan.name];
    const pool = new SlotPool(slotsFor(plan.name), plan.exclusive);
    const counters = { abandoned: 0 };
    const requests = toRequests(
      plan,
      pool,
      tally,
      (u) => {
        unexpectedCount++;
        if (unexpected.length < 20) unexpected.push(u);
      },
      counters,
    );
    const result = await autocannon({ url, title: plan.name, connections, duration, timeout: settings.timeout, pipelining: 1, requests });
    remainingSlots.set(plan.name, pool.remaining());
    // Counted from the hooks' tallies (the stand-ins of connections without a slot are not in them).
    const routes = [...tally.values()].filter((route) => route.kind === plan.name);
    const latencies = routes.flatMap((route) => route.latencies);
    const kind: KindResult = {
      name: plan.name,
      connections,
      requests: sum(routes, answered),
      rps: sum(routes, answered) / result.duration,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      non2xx: sum(routes, non2xx),
      errors: result.errors,
      timeouts: result.timeouts,
      abandoned: counters.abandoned,
      starved: pool.starved,
    };
    return kind;
  });
  const kinds = await Promise.all(runs);
  return { kinds, routes: [...tally.values()], unexpected, unexpectedCount, remainingSlots };
}

// ---- report ---------------------------------------------------------------------------------------------

const int = (n: number) => n.toLocaleString('en-US');

type Totals = Omit<KindResult, 'name' | 'abandoned'>;

function totalsOf({ kinds, routes }: MixResult): Totals {
  const latencies = routes.flatMap((route) => route.latencies);
  return {
    connections: sum(kinds, (k) => k.connections),
    requests: sum(kinds, (k) => k.requests),
    rps: sum(kinds, (k) => k.rps),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: sum(kinds, (k) => k.non2xx),
    errors: sum(kinds, (k) => k.errors),
    timeouts: sum(kinds, (k) => k.timeouts),
    starved: sum(kinds, (k) => k.starved),
  };
}

function kindTable(kinds: KindResult[], totals: Totals): string {
  const rows = kinds.map((k) => [k.name, String(k.connections), int(k.requests), k.rps.toFixed(1), formatMs(k.p50), formatMs(k.p99), int(k.non2xx), int(k.errors)]);
  rows.push(['**total**', String(totals.connections), `**${int(totals.requests)}**`, `**${totals.rps.toFixed(1)}**`, formatMs(totals.p50), formatMs(totals.p99), `**${int(totals.non2xx)}**`, `**${int(totals.errors)}**`]);
  return table(['kind', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], rows);
}

function routeTable(routes: RouteTally[]): string {
  const rows = routes.map((r) => {
    const statuses = [...r.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${int(n)}`).join(', ');
    return [r.kind, `\`${r.route}\``, int(answered(r)), statuses || '—', formatMs(percentile(r.latencies, 50)), formatMs(percentile(r.latencies, 99))];
  });
  return table(['kind', 'route', 'answered', 'statuses', 'p50 ms', 'p99 ms'], rows);
}

interface Report {
  startedAt: Date;
  machine: { nproc: string; cpu: string; memoryGb: number; node: string; autocannon: string };
  target: string;
  split: Record<KindName, number>;
  world: World;
  measured: MixResult;
  totals: Totals;
  cpu?: CpuShares;
  loadBefore: number[];
  loadAfter: number[];
  serverErrorLines: number;
  plans: KindPlan[];
}

function nproc(): string {
  const result = spawnSync('nproc', { encoding: 'utf8' });
  return result.stdout?.trim() || String(cpus().length);
}

function conditions(report: Report): string[] {
  const lines = [
    `Load average (1/5/15 min) before the measured run: ${report.loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${report.loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`,
  ];
  const cpu = report.cpu;
  if (cpu) {
    const parts = [
      cpu.server !== undefined ? `service process ${cpu.server.toFixed(0)} %` : undefined,
      cpu.jvm !== undefined ? `DynamoDB Local (JVM) ${cpu.jvm.toFixed(0)} %` : undefined,
      `load generator ${cpu.loadGenerator.toFixed(0)} %`,
    ].filter(Boolean);
    lines.push(`CPU during the measured run, in % of one core: ${parts.join(', ')}.`);
    if (cpu.machineBusy !== undefined && cpu.others !== undefined) {
      const others = cpu.server !== undefined ? 'processes other than these three (other work on the shared machine, e.g. test runs)' : 'processes other than the load generator (the service among them)';
      lines.push(`The machine (all ${report.machine.nproc} cores) was ${cpu.machineBusy.toFixed(0)} % busy; ${others} used ${cpu.others.toFixed(0)} % of it.`);
    }
  }
  return lines;
}

/** Connections that found every exclusive slot held or set aside after failed passes (exit code 1). */
function starvedNote(kinds: KindResult[]): string {
  if (!kinds.some((k) => k.starved)) return '';
  return `Connections left without a slot, at most at once (failed passes used up the spares; such a connection sends GET /local/health, not counted, until a slot comes back): ${kinds.map((k) => `${k.name} ${k.starved}`).join(', ')}.`;
}

function renderDoc(report: Report): string {
  const { measured, totals, world } = report;
  const ok = totals.errors === 0 && totals.non2xx === 0 && totals.starved === 0;
  const unexpected = measured.unexpected.length
    ? [
        `${int(measured.unexpectedCount)} unexpected responses; the first ${measured.unexpected.length}:`,
        '',
        ...measured.unexpected.map((u) => `- \`${u.route}\` ${u.status}: \`${u.body.replace(/`/g, "'")}\``),
      ].join('\n')
    : 'None: every response had the status its step expects.';
  return `# Load test

Generated by \`npm run load\` (scripts/load.ts) on ${report.startedAt.toISOString()}. Do not edit by hand.

**${ok ? 'Zero errors and zero non-2xx responses.' : `${int(totals.errors)} errors and ${int(totals.non2xx)} non-2xx responses${totals.starved ? `; ${totals.starved} connections left without a slot` : ''}.`}**

- Machine: \`nproc\` = ${report.machine.nproc} (${report.machine.cpu}), ${report.machine.memoryGb} GB RAM, Node ${report.machine.node}, autocannon ${report.machine.autocannon}.
- Target: ${report.target}.
- Settings: ${totals.connections} connections (reads ${report.split.reads}, writes ${report.split.writes}, decisions ${report.split.decisions}) for ${settings.duration} s, pipelining 1, request timeout ${settings.timeout} s${settings.warmup ? `, after an unmeasured ${settings.warmup} s warm-up with the same mix` : ''}. Three autocannon instances run at once, one per kind.

## Results

${kindTable(measured.kinds, totals)}

req/s is responses per second of the run. Latency is measured by the script's hooks, from building a request to its response (all statuses); a kind's p50/p99 are over its routes' responses, the total row's over all responses. Errors are socket errors and timeouts (${int(totals.timeouts)} timeouts).

### Per route

${routeTable(measured.routes)}

### Unexpected responses

${unexpected}
${measured.kinds.some((k) => k.abandoned) ? `\nPasses abandoned after a failed step: ${measured.kinds.map((k) => `${k.name} ${k.abandoned}`).join(', ')}.\n` : ''}${totals.starved ? `\n${starvedNote(measured.kinds)}\n` : ''}${report.serverErrorLines ? `\nThe service logged ${report.serverErrorLines} "local server error" lines.\n` : ''}
## Conditions

The service is one Node.js process (the local HTTP server, every handler, the state machine runner) plus DynamoDB Local in a JVM, on the same ${report.machine.nproc}-core machine as the load generator, so the three compete for the cores: these are figures of the local runtime, not of Lambda and DynamoDB in AWS. Other work may share the machine (this repository is developed by several helpers in parallel, who run tests); the figures below say how busy it was.

${conditions(report).map((l) => `- ${l}`).join('\n')}

## The mix

${report.plans.map((p) => `- **${p.name}** (${report.split[p.name]} connections): ${p.description}`).join('\n')}

Each connection sends its kind's steps in order, waits for each response, and starts again. A step that depends on an earlier one (the work item to patch, the partnership to decide) uses the id from that response; when a step fails, that pass is abandoned and its objects are never used again, so one failure cannot cause others.

Seeded through the public API before the run (${world.apiCalls} calls, ${(world.ms / 1000).toFixed(1)} s):

${world.seeded.map((s) => `- ${s}`).join('\n')}

Run again: \`npm run load\` (settings: \`LOAD_CONNECTIONS\`, \`LOAD_DURATION\`, \`LOAD_WARMUP\`, \`LOAD_TIMEOUT\`, \`LOAD_PORT\`; \`LOAD_URL=http://host:port\` targets a running local service; \`LOAD_WRITE_DOCS=0\` leaves this file and README.md alone).
`;
}

function renderReadme(report: Report): string {
  const { measured, totals } = report;
  const rows = measured.kinds.map((k) => [k.name, k.rps.toFixed(0), formatMs(k.p50), formatMs(k.p99), int(k.non2xx), int(k.errors)]);
  rows.push(['total', totals.rps.toFixed(0), formatMs(totals.p50), formatMs(totals.p99), int(totals.non2xx), int(totals.errors)]);
  return `Load, local runtime (\`npm run load\`: ${totals.connections} connections for ${settings.duration} s, ${report.machine.nproc} cores, Node ${report.machine.node}, ${report.startedAt.toISOString().slice(0, 10)}; details and conditions in [docs/LOAD.md](docs/LOAD.md)):

${table(['kind', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], rows)}`;
}

function printSummary(report: Report) {
  const { measured } = report;
  console.log(`\n${kindTable(measured.kinds, report.totals)}\n`);
  for (const line of [starvedNote(measured.kinds), ...conditions(report)].filter(Boolean)) console.log(line);
  if (measured.unexpected.length) {
    console.log(`\n${measured.unexpectedCount} unexpected responses, e.g.:`);
    for (const u of measured.unexpected.slice(0, 10)) console.log(`  ${u.route} ${u.status} ${u.body}`);
  }
}

// ---- main -------------------------------------------------------------------------------------------------

let target: Target | undefined;

async function stopTarget() {
  const current = target;
  target = undefined;
  if (current) await current.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nload: ${signal}, stopping the service...`);
    void stopTarget().finally(() => process.exit(130));
  });
}
process.on('uncaughtException', (error) => {
  console.error('load:', error);
  void stopTarget().finally(() => process.exit(1));
});

async function main(): Promise<number> {
  const startedAt = new Date();
  const split = splitConnections(settings.connections);
  const autocannonVersion = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/autocannon/package.json'), 'utf8')).version as string;

  if (settings.url) {
    await waitHealthy(settings.url, 10_000);
    target = { url: settings.url, output: () => '', stop: async () => {} };
    console.log(`load: targeting ${settings.url}`);
  } else {
    console.log(`load: starting the service on port ${settings.port} (node --import tsx local/main.ts)...`);
    const t0 = performance.now();
    target = await startService(settings.port);
    console.log(`load: service ready at ${target.url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const url = target.url;

  // Exclusive slots: one per connection, plus spares for the warm-up (its cut-off passes keep theirs).
  const spare = (n: number) => n + (settings.warmup ? Math.min(n, 4) : 0) + 2;
  const world = await seed(url, { writers: spare(split.writes), decisionSlots: spare(split.decisions) });
  console.log(`load: seeded in ${(world.ms / 1000).toFixed(1)} s (${world.apiCalls} API calls)`);
  const plans = buildPlans(world);
  const slots = new Map<KindName, unknown[]>(plans.map((p) => [p.name, p.slots]));

  if (settings.warmup) {
    const warmSplit = { reads: Math.min(split.reads, 4), writes: Math.min(split.writes, 4), decisions: Math.min(split.decisions, 4) };
    console.log(`load: warm-up ${settings.warmup} s...`);
    const warm = await runMix(url, plans, warmSplit, settings.warmup, (kind) => slots.get(kind)!);
    for (const [kind, remaining] of warm.remainingSlots) slots.set(kind, remaining);
    if (warm.kinds.some((k) => k.starved)) console.log(`load: warm-up: ${starvedNote(warm.kinds)}`);
    if (warm.unexpectedCount) {
      console.log(`load: the warm-up had ${warm.unexpectedCount} unexpected responses, e.g. ${JSON.stringify(warm.unexpected[0])}`);
      const output = target.output();
      if (output) console.log(`load: the service's last lines:\n${output.split('\n').slice(-40).join('\n')}`);
    }
  }

  console.log(`load: ${settings.connections} connections (reads ${split.reads}, writes ${split.writes}, decisions ${split.decisions}) for ${settings.duration} s...`);
  const loadBefore = loadavg();
  const cpuBefore = cpuSnapshot(target);
  const measured = await runMix(url, plans, split, settings.duration, (kind) => slots.get(kind)!);
  const cpuAfter = cpuSnapshot(target);
  const loadAfter = loadavg();
  const totals = totalsOf(measured);
  const serverErrorLines = (target.output().match(/local server error/g) ?? []).length;

  const report: Report = {
    startedAt,
    machine: {
      nproc: nproc(),
      cpu: `${cpus()[0]?.model?.trim() ?? 'unknown CPU'}`,
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      autocannon: autocannonVersion,
    },
    target: settings.url
      ? `a running local service at ${settings.url}`
      : 'the local service started by the script (`node --import tsx local/main.ts`, as `npm start`), DynamoDB Local in memory, fresh at start',
    split,
    world,
    measured,
    totals,
    cpu: cpuShares(cpuBefore, cpuAfter),
    loadBefore,
    loadAfter,
    serverErrorLines,
    plans,
  };
  printSummary(report);
  if (serverErrorLines) console.log(`\nThe service logged errors; its last lines:\n${target.output().split('\n').slice(-30).join('\n')}`);

  if (settings.writeDocs) {
    writeFileSync(resolve(ROOT, 'docs/LOAD.md'), renderDoc(report));
    replaceReadmeSection('load-figures', renderReadme(report));
    console.log('\nload: wrote docs/LOAD.md and the load-figures section of README.md');
  }
  return totals.errors > 0 || totals.non2xx > 0 || totals.starved > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error('load:', error instanceof Error ? error.message : error);
  const output = target?.output();
  if (output) console.error(`\nlast lines of the service:\n${output.split('\n').slice(-30).join('\n')}`);
  exitCode = 1;
} finally {
  await stopTarget();
}
process.exit(exitCode);
