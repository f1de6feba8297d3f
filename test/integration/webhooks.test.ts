/**
 * SPEC §11 webhooks on DynamoDB Local, with a receiver on 127.0.0.1: signed deliveries to both sides of
 * a partnership (fan-out fed with RecordedEvents, as the event outbox will), Standard Webhooks
 * signatures verified with the `standardwebhooks` library, the retry schedule driven by the job's
 * clock, redelivery, rotation, disabling after 3 days with its e-mail, the URL rules at create and at
 * delivery (DNS injected), the limit and bad input.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS } from '../../shared/domain/webhooks';
import type { RecordedEvent } from '../../shared/events/types';
import { attemptDelivery } from '../../shared/features/webhooks/deliver';
import { fanOut, fanOutToWebhooks } from '../../shared/features/webhooks/fan-out';
import { createEventDispatcher } from '../../local/event-dispatcher';
import { runWebhookJob, sweepOverdueDeliveries } from '../../shared/features/webhooks/job';
import { registerLocalDeliveryQueue, type DueAttempt } from '../../shared/features/webhooks/queue';
import { setUrlResolver } from '../../shared/features/webhooks/resolve';
import { newId } from '../../shared/ids';
import { send, type Client } from '../support/api';
import { expectError } from '../support/errors';
import { notificationsOf, readItem } from '../support/table';
import { keys } from '../../shared/store/keys';
import { DELIVERY_TTL_SECONDS } from '../../shared/store/webhooks';
import { activePartnership, hostAndGuest, newWorkspace, type HostAndGuest } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** Status the receiver answers per path (default 200). */
const answers = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answers.get(path) ?? 200;
      res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {});
      res.end(status >= 300 ? 'not now '.repeat(300) : 'ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // DNS at create/PATCH: names resolve to a public address unless a test says otherwise.
  setUrlResolver(async () => [{ address: '93.184.216.34', family: 4 }]);
});
afterAll(async () => {
  setUrlResolver(undefined);
  await new Promise<void>((done) => server.close(() => done()));
});

/** Names other than the receiver's resolve to loopback: refused outside the local http exception. */
const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
const job = (now: Date) => runWebhookJob({ now, resolve });
const receivedAt = (path: string) => received.filter((r) => r.path === path);

async function newWebhook(by: Client, workspaceId: string, path: string, eventTypes: string[] = ['*']) {
  const created = await by.post(`/workspaces/${workspaceId}/webhooks`, { url: `${base}${path}`, eventTypes });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return created.body as { webhookId: string; secret: string };
}

function verify(secret: string, r: Received) {
  return new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
}

function acceptedEvent(w: HostAndGuest, correlationId = newId()): RecordedEvent {
  const id = newId();
  return {
    event: {
      specversion: '1.0',
      id,
      source: '/partnerships',
      type: 'partnership.accepted.v1',
      subject: 'partnerships/p1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: correlationId,
      data: { partnershipId: 'p1', hostWorkspaceId: w.host.workspaceId, guestWorkspaceId: w.guest.workspaceId },
    },
    audience: [w.host.workspaceId, w.guest.workspaceId],
    privateData: { [w.host.workspaceId]: { reason: 'Internal: budget line 42' } },
  };
}

const deliveriesOf = async (by: Client, webhookId: string) => {
  const list = await by.get(`/webhooks/${webhookId}/deliveries`);
  expect(list.status).toBe(200);
  return list.body.items as Array<{
    deliveryId: string;
    status: string;
    attempts: Array<Record<string, unknown>>;
    nextAttemptAt: string | null;
    correlationId: string;
  }>;
};

describe('webhooks', () => {
  it('delivers an event signed to both sides, each seeing its own view, once per (event, endpoint)', async () => {
    const w = await hostAndGuest();
    const host = await newWebhook(w.host.owner, w.host.workspaceId, '/host', ['partnership.accepted.v1']);
    const guest = await newWebhook(w.guest.admin, w.guest.workspaceId, '/guest');
    await newWebhook(w.guest.owner, w.guest.workspaceId, '/guest-other', ['share.revoked.v1']);
    const recorded = acceptedEvent(w, 'corr-lifecycle-1');
    expect(await fanOut([recorded])).toEqual({ created: 2, requeued: 0 });
    // Redelivered before any attempt (its first run's enqueue may have failed): enqueued again, nothing created.
    expect(await fanOut([recorded])).toEqual({ created: 0, requeued: 2 });

    expect(await job(new Date())).toMatchObject({ delivered: 2, failed: 0, pending: 0 });
    expect(await fanOut([recorded])).toEqual({ created: 0, requeued: 0 });
    const [toHost] = receivedAt('/host');
    const [toGuest] = receivedAt('/guest');
    expect(receivedAt('/guest-other')).toEqual([]);
    if (!toHost || !toGuest) throw new Error('not delivered');
    expect(verify(host.secret, toHost)).toMatchObject({ id: recorded.event.id, data: { reason: 'Internal: budget line 42' } });
    const guestView = verify(guest.secret, toGuest) as { data: Record<string, unknown>; correlationid: string };
    expect(guestView.data.reason).toBeUndefined();
    expect(guestView.correlationid).toBe('corr-lifecycle-1');
    expect(() => verify(guest.secret, toHost)).toThrow();
    expect(toHost.headers['webhook-id']).toBe(recorded.event.id);

    const [delivery] = await deliveriesOf(w.host.owner, host.webhookId);
    expect(delivery).toMatchObject({ status: 'delivered', nextAttemptAt: null, correlationId: 'corr-lifecycle-1' });
    expect(delivery?.attempts).toEqual([expect.objectContaining({ statusCode: 200, responseBody: 'ok' })]);
    // Final: it expires 30 days after its last attempt (table TTL); pending ones never do.
    const stored = await readItem(keys.webhookDelivery(host.webhookId, delivery?.deliveryId ?? ''));
    expect(stored?.ttl).toBe(Math.floor(Date.parse(String(delivery?.attempts[0]?.at)) / 1000) + DELIVERY_TTL_SECONDS);
    // The list never shows a secret.
    const listed = await w.host.owner.get(`/workspaces/${w.host.workspaceId}/webhooks`);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
  });

  it('retries a receiver answering 500 on the schedule, then it recovers; redelivery sends it again', async () => {
    const w = await newWorkspace('retry-owner', 'Retry Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/flaky');
    answers.set('/flaky', 500);
    const t0 = new Date(Date.now() + 1000);
    const test = await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    expect(test.status).toBe(202);
    expect(await job(t0)).toMatchObject({ delivered: 0, pending: 1 });
    let [d] = await deliveriesOf(w.owner, hook.webhookId);
    expect(d?.status).toBe('pending');
    expect(Date.parse(d?.nextAttemptAt ?? '')).toBe(t0.getTime() + (RETRY_DELAYS_MS[0] ?? 0));
    expect((await readItem(keys.webhookDelivery(hook.webhookId, d?.deliveryId ?? '')))?.ttl).toBeUndefined();
    expect(d?.attempts[0]).toMatchObject({ statusCode: 500 });
    expect(String(d?.attempts[0]?.responseBody).length).toBeLessThanOrEqual(1024);

    // Not due yet: nothing happens.
    expect(await job(new Date(t0.getTime() + 4000))).toMatchObject({ delivered: 0, pending: 0 });
    let now = t0.getTime();
    for (const delay of RETRY_DELAYS_MS.slice(0, 2)) {
      now += delay;
      expect(await job(new Date(now))).toMatchObject({ pending: 1 });
    }
    [d] = await deliveriesOf(w.owner, hook.webhookId);
    expect(d?.attempts).toHaveLength(3);
    expect(Date.parse(d?.nextAttemptAt ?? '')).toBe(now + (RETRY_DELAYS_MS[2] ?? 0));
    expect((await w.owner.get(`/webhooks/${hook.webhookId}`)).body.failingSince).toBe(t0.toISOString());

    answers.set('/flaky', 200);
    now += RETRY_DELAYS_MS[2] ?? 0;
    expect(await job(new Date(now))).toMatchObject({ delivered: 1 });
    [d] = await deliveriesOf(w.owner, hook.webhookId);
    expect(d).toMatchObject({ status: 'delivered', nextAttemptAt: null });
    expect((await w.owner.get(`/webhooks/${hook.webhookId}`)).body).toMatchObject({ failingSince: null, status: 'enabled' });
    const signed = receivedAt('/flaky');
    expect(new Set(signed.map((r) => r.headers['webhook-id']))).toEqual(new Set([test.body.eventId]));
    for (const r of signed) expect(verify(hook.secret, r)).toMatchObject({ type: 'webhook.test.v1' });

    const again = await w.owner.post(`/webhooks/${hook.webhookId}/deliveries/${d?.deliveryId}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body.status).toBe('pending');
    expect((await readItem(keys.webhookDelivery(hook.webhookId, d?.deliveryId ?? '')))?.ttl).toBeUndefined();
    expect(await job(new Date(now + 1000))).toMatchObject({ delivered: 1 });
    expect(receivedAt('/flaky')).toHaveLength(5);
    expectError(await w.owner.post(`/webhooks/${hook.webhookId}/deliveries/nosuchdelivery/redeliver`), 404, 'not_found');
  });

  it('sends a message that arrives before its delivery is due back with the delivery due time (deployed deliverer)', async () => {
    const w = await newWorkspace('early-owner', 'Early Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/early');
    const test = await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    const [pending] = await deliveriesOf(w.owner, hook.webhookId);
    const queued: DueAttempt[] = [];
    registerLocalDeliveryQueue((attempts) => queued.push(...attempts));
    try {
      const before = new Date(Date.parse(pending?.nextAttemptAt ?? '') - 60_000);
      expect(await attemptDelivery(hook.webhookId, test.body.deliveryId, { now: before, resolve, requeueEarly: true })).toBe('early');
      expect(queued).toEqual([{ webhookId: hook.webhookId, deliveryId: test.body.deliveryId, dueAt: pending?.nextAttemptAt }]);
      expect(await attemptDelivery(hook.webhookId, test.body.deliveryId, { now: before, resolve })).toBe('early');
      expect(queued).toHaveLength(1);
    } finally {
      registerLocalDeliveryQueue(undefined);
    }
    expect(receivedAt('/early')).toEqual([]);
  });

  it('the hourly sweep enqueues again a delivery overdue by more than 15 minutes (its queue message lost)', async () => {
    const w = await newWorkspace('sweep-owner', 'Sweep Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/swept');
    const test = await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    const [pending] = await deliveriesOf(w.owner, hook.webhookId);
    const dueAt = Date.parse(pending?.nextAttemptAt ?? '');
    const queued: DueAttempt[] = [];
    registerLocalDeliveryQueue((attempts) => queued.push(...attempts));
    try {
      await sweepOverdueDeliveries({ now: new Date(dueAt + 14 * 60_000) });
      expect(queued.filter((q) => q.deliveryId === test.body.deliveryId)).toEqual([]);
      const swept = await sweepOverdueDeliveries({ now: new Date(dueAt + 16 * 60_000), pageSize: 1000 });
      expect(swept.requeued).toBeGreaterThanOrEqual(1);
      expect(queued).toContainEqual({ webhookId: hook.webhookId, deliveryId: test.body.deliveryId, dueAt: pending?.nextAttemptAt });
    } finally {
      registerLocalDeliveryQueue(undefined);
    }
    // Attempted once it comes back: delivered.
    expect(await job(new Date(dueAt + 16 * 60_000))).toMatchObject({ delivered: expect.any(Number) });
    expect(receivedAt('/swept')).toHaveLength(1);
  });

  it('counts a redirect as a failed attempt (never followed)', async () => {
    const w = await newWorkspace('redirect-owner', 'Redirect Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/moved');
    answers.set('/moved', 302);
    await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    expect(await job(new Date(Date.now() + 1000))).toMatchObject({ pending: 1 });
    const [d] = await deliveriesOf(w.owner, hook.webhookId);
    expect(d?.attempts[0]).toMatchObject({ statusCode: 302 });
  });

  it('signs with the old and the new secret for 24 h after a rotation', async () => {
    const w = await newWorkspace('rotate-owner', 'Rotate Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/rotated');
    const rotated = await w.owner.post(`/webhooks/${hook.webhookId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    await job(new Date(Date.now() + 1000));
    const [during] = receivedAt('/rotated');
    if (!during) throw new Error('not delivered');
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(hook.secret, during)).toBeTruthy();
    expect(verify(rotated.body.secret, during)).toBeTruthy();

    await w.owner.post(`/webhooks/${hook.webhookId}/test`);
    await job(new Date(Date.now() + 25 * 3600 * 1000));
    const after = receivedAt('/rotated')[1];
    if (!after) throw new Error('not delivered');
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.body.secret, after)).toBeTruthy();
    expect(() => verify(hook.secret, after)).toThrow();
  });

  it('fails a delivery after 3 days and disables an endpoint failing for 3 days, telling its Owner/Admins', async () => {
    const w = await hostAndGuest();
    const hook = await newWebhook(w.host.admin, w.host.workspaceId, '/down');
    answers.set('/down', 503);
    await w.host.admin.post(`/webhooks/${hook.webhookId}/test`);
    let now = new Date(Date.now() + 1000);
    const first = now.getTime();
    let runs = 0;
    for (;;) {
      const result = await job(now);
      runs += 1;
      const [d] = await deliveriesOf(w.host.admin, hook.webhookId);
      if (d?.status !== 'pending' || !d.nextAttemptAt || runs > 30) break;
      now = new Date(d.nextAttemptAt);
      expect(result.delivered).toBe(0);
    }
    const [d] = await deliveriesOf(w.host.admin, hook.webhookId);
    expect(d?.status).toBe('failed');
    expect(Date.parse(d?.attempts.at(-1)?.at as string) - first).toBe(3 * 24 * 3600 * 1000);
    expect(d?.attempts.length).toBe(12);
    const webhook = (await w.host.admin.get(`/webhooks/${hook.webhookId}`)).body;
    expect(webhook).toMatchObject({ status: 'disabled', disabledAt: now.toISOString() });
    for (const who of [w.host.owner, w.host.admin]) {
      const [mail] = await notificationsOf(who, 'webhook.disabled');
      expect(mail?.subject).toContain('127.0.0.1');
      expect(mail?.data).toMatchObject({ webhookId: hook.webhookId, url: `${base}/down` });
    }
    expect(await notificationsOf(w.host.member, 'webhook.disabled')).toEqual([]);
    // The notification (like the activity entry and the event, in the same transaction) carries the delivery's correlation id.
    const [mail] = await notificationsOf(w.host.owner, 'webhook.disabled');
    expect(mail?.correlationId).toBe(d?.correlationId);
    // Disabled: no test events, no redelivery, nothing fanned out to it; enabling it again starts afresh.
    expectError(await w.host.admin.post(`/webhooks/${hook.webhookId}/test`), 422, 'webhook_disabled');
    const enabled = await w.host.admin.patch(`/webhooks/${hook.webhookId}`, { status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', failingSince: null, disabledAt: null });
  });

  it('refuses URLs of loopback, private, link-local and metadata hosts at create and update (422, nothing created)', async () => {
    const w = await newWorkspace('ssrf-owner', 'Ssrf Inc');
    for (const url of [
      'http://hooks.example.com/in',
      'https://localhost/in',
      'https://localhost./in',
      'https://metadata.google.internal./in',
      'https://127.0.0.1/in',
      'https://10.1.2.3/in',
      'https://172.16.0.1/in',
      'https://192.168.1.1/in',
      'https://100.64.0.1/in',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/in',
      'https://[fd00:ec2::254]/in',
      'https://[fe80::1]/in',
      'https://[::ffff:127.0.0.1]/in',
      'https://[::ffff:a9fe:a9fe]/in',
      'https://0.0.0.0/in',
      'https://metadata.google.internal/in',
      'https://user:pw@hooks.example.com/in',
      'http://127.0.0.1/no-port',
    ]) {
      const refused = await w.owner.post(`/workspaces/${w.workspaceId}/webhooks`, { url, eventTypes: ['*'] });
      expectError(refused, 422, 'webhook_url_not_allowed', url);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'body.url' })]);
    }
    const listed = await w.owner.get(`/workspaces/${w.workspaceId}/webhooks`);
    expect(listed.body.items).toEqual([]);
    const hook = await newWebhook(w.owner, w.workspaceId, '/ok');
    expectError(await w.owner.patch(`/webhooks/${hook.webhookId}`, { url: 'https://169.254.169.254/' }), 422, 'webhook_url_not_allowed');
  });

  it('refuses at create and update a host name that resolves to a private address (DNS checked, 422, nothing changed)', async () => {
    const w = await newWorkspace('dns-create-owner', 'Dns Create Inc');
    const hook = await newWebhook(w.owner, w.workspaceId, '/dns-ok');
    const addresses: Record<string, string[]> = {
      'inside.example.com': ['93.184.216.34', '10.0.0.8'],
      'meta.example.com': ['169.254.169.254'],
      'v6.example.com': ['2606:2800:220:1::1', '::1'],
      'public.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
    };
    setUrlResolver(async (host) => (addresses[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    try {
      for (const host of ['inside.example.com', 'meta.example.com', 'v6.example.com']) {
        const url = `https://${host}/in`;
        const refused = await w.owner.post(`/workspaces/${w.workspaceId}/webhooks`, { url, eventTypes: ['*'] });
        expectError(refused, 422, 'webhook_url_not_allowed', url);
        expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'body.url' })]);
        expectError(await w.owner.patch(`/webhooks/${hook.webhookId}`, { url }), 422, 'webhook_url_not_allowed', url);
      }
      expect((await w.owner.get(`/workspaces/${w.workspaceId}/webhooks`)).body.items).toHaveLength(1);
      expect((await w.owner.get(`/webhooks/${hook.webhookId}`)).body.url).toBe(`${base}/dns-ok`);
      const ok = await w.owner.patch(`/webhooks/${hook.webhookId}`, { url: 'https://public.example.com/in' });
      expect(ok.status).toBe(200);
    } finally {
      setUrlResolver(async () => [{ address: '93.184.216.34', family: 4 }]);
    }
  });

  it('refuses at delivery a host name that resolves to a private address (DNS checked, deployed rules)', async () => {
    const w = await newWorkspace('dns-owner', 'Dns Inc');
    const created = await w.owner.post(`/workspaces/${w.workspaceId}/webhooks`, {
      url: 'https://rebind.example.com/in',
      eventTypes: ['*'],
    });
    expect(created.status).toBe(201);
    for (const address of ['127.0.0.1', '10.0.0.8', '169.254.169.254', '::ffff:127.0.0.1', 'fd00:ec2::254']) {
      const test = await w.owner.post(`/webhooks/${created.body.webhookId}/test`);
      const outcome = await attemptDelivery(created.body.webhookId, test.body.deliveryId, {
        now: new Date(Date.now() + 10 * 24 * 3600 * 1000),
        mode: 'aws',
        resolve: async () => [
          { address: '93.184.216.34', family: 4 },
          { address, family: address.includes(':') ? 6 : 4 },
        ],
      });
      expect(outcome).not.toBe('delivered');
      const [d] = await deliveriesOf(w.owner, created.body.webhookId);
      expect(String(d?.attempts.at(-1)?.error)).toContain(`resolves to ${address}`);
    }
  });

  it('refuses an 11th webhook, unknown and repeated event types, and bad URLs, changing nothing', async () => {
    const w = await newWorkspace('limit-owner', 'Limit Inc');
    const path = `/workspaces/${w.workspaceId}/webhooks`;
    for (const body of [
      { url: `${base}/x`, eventTypes: ['partnership.exploded.v1'] },
      { url: `${base}/x`, eventTypes: [] },
      { url: `${base}/x`, eventTypes: ['share.revoked.v1', 'share.revoked.v1'] },
      { url: `${base}/x`, eventTypes: ['*', 'share.revoked.v1'] },
      { url: `${base}/x`, eventTypes: ['webhook.test.v1'] },
      { url: 'not a url', eventTypes: ['*'] },
      { url: `${base}/x`, eventTypes: ['*'], secret: 'whsec_mine' },
    ]) {
      expectError(await w.owner.post(path, body), 400, 'validation_failed', JSON.stringify(body));
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => newWebhook(w.owner, w.workspaceId, `/n${i}`)));
    const over = await w.owner.post(path, { url: `${base}/eleven`, eventTypes: ['*'] });
    expectError(over, 422, 'webhook_limit_reached');
    const listed = await w.owner.get(`${path}?limit=100`);
    expect(listed.body.items).toHaveLength(10);
    // Deleting one frees a place.
    expect((await w.owner.delete(`/webhooks/${listed.body.items[0].webhookId}`)).status).toBe(204);
    expect((await w.owner.post(path, { url: `${base}/eleven`, eventTypes: ['*'] })).status).toBe(201);
  });

  it('is for Owner/Admins: a member gets 403, another tenant 404 on every route', async () => {
    const w = await hostAndGuest();
    const hook = await newWebhook(w.host.owner, w.host.workspaceId, '/private');
    const test = await w.host.owner.post(`/webhooks/${hook.webhookId}/test`);
    const routes: Array<[string, string, unknown?]> = [
      ['POST', `/workspaces/${w.host.workspaceId}/webhooks`, { url: `${base}/evil`, eventTypes: ['*'] }],
      ['GET', `/workspaces/${w.host.workspaceId}/webhooks`],
      ['GET', `/webhooks/${hook.webhookId}`],
      ['PATCH', `/webhooks/${hook.webhookId}`, { description: 'mine' }],
      ['POST', `/webhooks/${hook.webhookId}/rotate-secret`],
      ['POST', `/webhooks/${hook.webhookId}/test`],
      ['GET', `/webhooks/${hook.webhookId}/deliveries`],
      ['POST', `/webhooks/${hook.webhookId}/deliveries/${test.body.deliveryId}/redeliver`],
      ['DELETE', `/webhooks/${hook.webhookId}`],
    ];
    for (const [method, path, body] of routes) {
      expectError(await send({ actor: w.guest.owner, method, path, body }), 404, 'not_found', `${method} ${path} by another tenant`);
      expectError(await send({ actor: w.host.member, method, path, body }), 403, 'forbidden', `${method} ${path} by a member`);
    }
    expect((await w.host.owner.get(`/webhooks/${hook.webhookId}`)).body.url).toBe(`${base}/private`);
  });
});

// Last in the file: its dispatcher hands over every event the tests above recorded too.
describe('webhooks on the events the service records', () => {
  it('a partnership lifecycle reaches both sides signed, through the outbox, the dispatcher and the fan-out', async () => {
    const w = await hostAndGuest();
    const lifecycle = ['partnership.requested.v1', 'partnership.approved.v1', 'partnership.accepted.v1'];
    const host = await newWebhook(w.host.owner, w.host.workspaceId, '/life-host', lifecycle);
    const guest = await newWebhook(w.guest.owner, w.guest.workspaceId, '/life-guest', ['partnership.accepted.v1']);
    const partnershipId = await activePartnership(w, workflow);

    // As the local server does: committed events to the fan-out consumer (deployed: the bus rule and queue).
    const dispatcher = createEventDispatcher({ consumers: () => [['webhook-fan-out', fanOutToWebhooks]] });
    while ((await dispatcher.tick()) > 0);
    await job(new Date(Date.now() + 1000));

    type Seen = { type: string; data: Record<string, unknown>; correlationid: string };
    const ofThis = (secret: string, path: string) =>
      receivedAt(path)
        .map((r) => verify(secret, r) as Seen)
        .filter((e) => e.data.partnershipId === partnershipId);
    const toHost = ofThis(host.secret, '/life-host');
    const toGuest = ofThis(guest.secret, '/life-guest');
    expect(toHost.map((e) => e.type).sort()).toEqual([...lifecycle].sort());
    expect(toGuest.map((e) => e.type)).toEqual(['partnership.accepted.v1']);
    expect(toGuest[0]?.data).toMatchObject({
      hostWorkspaceId: w.host.workspaceId,
      guestWorkspaceId: w.guest.workspaceId,
      status: 'active',
    });
    for (const e of [...toHost, ...toGuest]) expect(e.correlationid).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });
});
