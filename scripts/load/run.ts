/**
 * Runs the mix with autocannon, one instance per kind sharing the connection budget: hooks build
 * each request from the connection's pass (its slot, the ids earlier steps answered), tally statuses
 * and latencies per route, and abandon a pass at its first unexpected answer.
 */
import autocannon from 'autocannon';
import { percentile } from '../../bench/stats';
import type { Context, KindPlan } from './scenarios';
import { settings, type KindName } from './settings';

/**
 * Hands out slots. Exclusive ones come back only after a pass that went as expected (after a failure
 * the slot's objects are in an unknown state: never used again), so failed passes use up the spares.
 */
export class SlotPool {
  private free: unknown[];
  private next = 0;
  private waiting = 0;
  /** The most connections that were without a slot at once. */
  starved = 0;
  constructor(
    readonly slots: unknown[],
    readonly exclusive: boolean,
  ) {
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

export interface RouteTally {
  kind: KindName;
  route: string;
  expect: number;
  statuses: Map<number, number>;
  /** Milliseconds from setupRequest to onResponse (all statuses). */
  latencies: number[];
}

export interface Unexpected {
  route: string;
  status: number;
  body: string;
}

export interface KindResult {
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

export interface MixResult {
  kinds: KindResult[];
  routes: RouteTally[];
  unexpected: Unexpected[];
  unexpectedCount: number;
  remainingSlots: Map<KindName, unknown[]>;
}

function toRequests(
  plan: KindPlan,
  pool: SlotPool,
  tally: Map<string, RouteTally>,
  onUnexpected: (u: Unexpected) => void,
  counters: { abandoned: number },
) {
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

export const answered = (route: RouteTally) => [...route.statuses.values()].reduce((a, b) => a + b, 0);
export const non2xx = (route: RouteTally) => [...route.statuses].reduce((a, [status, n]) => a + (status >= 200 && status < 300 ? 0 : n), 0);
export const sum = <T>(items: T[], pick: (item: T) => number) => items.reduce((a, item) => a + pick(item), 0);

export async function runMix(
  url: string,
  plans: KindPlan[],
  split: Record<KindName, number>,
  duration: number,
  slotsFor: (kind: KindName) => unknown[],
): Promise<MixResult> {
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
