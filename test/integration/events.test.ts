/**
 * SPEC §11: domain events. Each change records its CloudEvents envelope in its own transaction (the
 * outbox); the local dispatcher hands committed events to the consumers; GET /local/events shows what
 * each workspace received, as it sees it; every recorded event matches its JSON Schema in docs/events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventDispatcher, localEventsConsumer, localEventsEndpoint } from '../../local/event-dispatcher';
import { REPO_ROOT } from '../../local/router';
import { registerEventConsumer } from '../../shared/events/consumers';
import { eventForWorkspace, type RecordedEvent } from '../../shared/events/types';
import { UseCaseContext } from '../../shared/context';
import { appendEvent, InvalidEvent, undispatchedEvents } from '../../shared/store/events';
import { keys } from '../../shared/store/keys';
import { eq } from '../../shared/store/expressions';
import { send } from '../support/api';
import { readItem } from '../support/table';
import { activePartnership, hostAndGuest, invitePartners, memberRequest, newAccount, newTeam } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

const workflow = useLocalWorkflow({ retryIntervalMs: 10 });

// Every event any test of this file records, through the local dispatcher (as the local server runs it).
const seen: RecordedEvent[] = [];
const dispatcher = createEventDispatcher({
  consumers: () => [
    ['collect', (events) => Promise.resolve(void seen.push(...events))],
    ['local-events', localEventsConsumer],
  ],
});
/** What was committed since the last drain, oldest first. */
async function drain(): Promise<RecordedEvent[]> {
  const from = seen.length;
  await dispatcher.tick();
  return seen.slice(from);
}
beforeEach(async () => {
  await drain();
});

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const schemaOf = (type: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'docs/events', `${type}.schema.json`), 'utf8')) as object;
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
/** The event as each workspace of its audience receives it matches the type's published JSON Schema. */
function expectValid(recorded: RecordedEvent): void {
  const type = recorded.event.type;
  if (!validators.has(type)) validators.set(type, ajv.compile(schemaOf(type)));
  const validate = validators.get(type);
  for (const workspaceId of recorded.audience) {
    const view = eventForWorkspace(recorded, workspaceId);
    expect(validate?.(view), `${type} for ${workspaceId}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
  }
}

/** GET /local/events (the local server's endpoint, called in-process): 200 and its body. */
async function dispatchLocal(pathAndQuery: string) {
  const query = new URLSearchParams(pathAndQuery.split('?')[1] ?? '');
  const response = await localEventsEndpoint({ query, body: undefined, path: '/local/events' });
  expect(response.statusCode).toBe(200);
  return JSON.parse(String(response.body)) as { items: any[]; nextCursor: string | null };
}

const post = (w: { userId: string; email: string }, path: string, correlationId: string, body: unknown = {}) =>
  send({ actor: w, method: 'POST', path, body, headers: { 'x-correlation-id': correlationId } });

describe('the outbox', () => {
  it('a partnership lifecycle records its events in order, each with the correlation id of its request, valid against docs/events', async () => {
    const w = await hostAndGuest();
    await drain();
    const requested = await post(w.host.member, `/workspaces/${w.host.workspaceId}/partnerships`, 'corr-request', {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: w.guest.admin.email,
      reason: 'Internal: they are cheaper',
    });
    expect(requested.status).toBe(201);
    const id = requested.body.partnershipId as string;
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    expect((await post(w.host.admin, `/partnerships/${id}/approve`, 'corr-approve')).status).toBe(200);
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await post(w.guest.admin, `/partnerships/${id}/accept`, 'corr-accept', { acceptTerms: true })).status).toBe(200);
    await workflow.waitFor(id, { status: 'SUCCEEDED' });
    const removed = await send({
      actor: w.guest.admin,
      method: 'DELETE',
      path: `/partnerships/${id}`,
      headers: { 'x-correlation-id': 'corr-remove' },
    });
    expect(removed.status).toBe(200);

    const events = (await drain()).filter((e) => e.event.subject === `partnerships/${id}`);
    const typesAndCorrelation = events.map((e) => [e.event.type, e.event.correlationid]);
    expect(typesAndCorrelation.slice(0, 3)).toEqual([
      ['partnership.requested.v1', 'corr-request'],
      ['partnership.approved.v1', 'corr-approve'],
      ['partnership.accepted.v1', 'corr-accept'],
    ]);
    // One change, one time: its events have no order among themselves.
    expect(typesAndCorrelation.slice(3).sort()).toEqual([
      ['partnership.removed.v1', 'corr-remove'],
      ['share.all_revoked.v1', 'corr-remove'],
    ]);
    for (const e of events) {
      expect(e.event).toMatchObject({ specversion: '1.0', source: '/partnerships', datacontenttype: 'application/json' });
      expectValid(e);
    }
    const [request, approval, acceptance] = events;
    // The guest is party from guest acceptance on; the request's reason is the host's alone.
    expect(request?.audience).toEqual([w.host.workspaceId]);
    expect(request?.event.data).toMatchObject({ partnershipId: id, status: 'awaiting_host_approval', previousStatus: null });
    expect(request?.event.data).not.toHaveProperty('reason');
    expect(request?.privateData).toEqual({ [w.host.workspaceId]: { reason: 'Internal: they are cheaper' } });
    expect(approval?.audience).toEqual([w.host.workspaceId, w.guest.workspaceId]);
    expect(acceptance?.event.data).toMatchObject({ status: 'active', previousStatus: 'awaiting_guest_acceptance', term: null });
    // Nothing internal travels: no task token, no table key.
    const text = JSON.stringify(events);
    expect(text).not.toMatch(/taskToken|"pk"|"sk"|PS#|WS#/);
    // Items expire (TTL) and carry their entity type.
    const item = await readItem(keys.event(request?.event.id ?? ''));
    expect(item).toMatchObject({ type: 'EVENT' });
    expect(item?.ttl).toBe(Math.floor(Date.parse(request?.event.time ?? '') / 1000) + 7 * 24 * 3600);
  });

  it("the guest's view of a declined partnership lacks the host's internal reason; GET /local/events shows each side its own view", async () => {
    const w = await hostAndGuest();
    // A host Admin's request goes to the guest at once; its reason is the host's internal note.
    const requested = await post(w.host.admin, `/workspaces/${w.host.workspaceId}/partnerships`, 'corr-r', {
      guestWorkspaceId: w.guest.workspaceId,
      partnerEmail: w.guest.admin.email,
      reason: 'Host-internal: approved for Q3 only',
    });
    expect(requested.status).toBe(201);
    const id = requested.body.partnershipId as string;
    await workflow.waitFor(id, { state: 'AwaitGuestAcceptance' });
    expect((await post(w.guest.admin, `/partnerships/${id}/decline`, 'corr-d', { reason: 'Not this year' })).status).toBe(200);
    await drain();

    const hostRequested = await dispatchLocal(`/local/events?workspaceId=${w.host.workspaceId}&type=partnership.requested.v1`);
    const guestRequested = await dispatchLocal(`/local/events?workspaceId=${w.guest.workspaceId}&type=partnership.requested.v1`);
    expect(hostRequested.items).toHaveLength(1);
    expect(hostRequested.items[0].data.reason).toBe('Host-internal: approved for Q3 only');
    expect(guestRequested.items).toHaveLength(1);
    expect(guestRequested.items[0].data).not.toHaveProperty('reason');
    expect(JSON.stringify(guestRequested)).not.toContain('Host-internal');
    // The guest's own decline reason is shared with the host.
    const declined = await dispatchLocal(`/local/events?workspaceId=${w.host.workspaceId}&type=partnership.declined.v1`);
    expect(declined.items[0].data).toMatchObject({ by: 'guest', guestReason: 'Not this year', status: 'declined_by_guest' });
    // Newest first, every type; another workspace sees none of it.
    const all = await dispatchLocal(`/local/events?workspaceId=${w.guest.workspaceId}`);
    expect(all.items.map((e: { type: string }) => e.type).filter((t: string) => t.startsWith('partnership.'))).toEqual([
      'partnership.declined.v1',
      'partnership.requested.v1',
    ]);
    expect((await dispatchLocal('/local/events?workspaceId=someone_else')).items).toEqual([]);
    expect((await localEventsEndpoint({ query: new URLSearchParams('type=x'), body: undefined, path: '/local/events' })).statusCode).toBe(
      400,
    );
  });

  it('a refused or failed request records no event', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    await drain();
    // 403 (a member may not approve), 404 (another tenant), 400 (bad input), 409 (wrong state).
    expect((await post(w.host.member, `/partnerships/${id}/approve`, 'c1')).status).toBe(403);
    expect((await post(w.outsider, `/partnerships/${id}/approve`, 'c2')).status).toBe(404);
    expect((await post(w.host.admin, `/partnerships/${id}/approve`, 'c3', { surprise: true })).status).toBe(400);
    expect((await post(w.guest.admin, `/partnerships/${id}/accept`, 'c4', { acceptTerms: true })).status).toBe(404);
    expect((await post(w.host.admin, `/workspaces/${w.host.workspaceId}/members`, 'c5', { email: w.guest.member.email })).status).toBe(409);
    expect(await drain()).toEqual([]);
  });

  it('concurrent decisions: one wins and records one event; the cancelled transaction records none', async () => {
    const w = await hostAndGuest();
    const id = await memberRequest(w);
    await workflow.waitFor(id, { state: 'AwaitHostApproval' });
    await drain();
    const [a, b] = await Promise.all([
      post(w.host.admin, `/partnerships/${id}/approve`, 'race-approve'),
      post(w.host.owner, `/partnerships/${id}/decline`, 'race-decline'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const events = (await drain()).filter((e) => e.event.subject === `partnerships/${id}`);
    expect(events).toHaveLength(1);
    expect(events[0]?.event.correlationid).toBe(a.status === 200 ? 'race-approve' : 'race-decline');

    // A transaction cancelled by a failed condition writes none of its items, the event included.
    const ctx = UseCaseContext.forSystem('system:test');
    const tx = ctx.store.transaction();
    const recorded = appendEvent(tx, {
      type: 'webhook.test.v1',
      subject: 'webhooks/wh1',
      data: {
        webhookId: 'wh1',
        workspaceId: w.host.workspaceId,
        url: 'https://example.com/hook',
        eventTypes: ['*'],
        status: 'enabled',
        message: 'test',
      },
      audience: [w.host.workspaceId],
      correlationId: 'cancelled',
      at: ctx.at,
    });
    tx.check(keys.partnership(id), eq('status', 'no_such_status'), 'test.never');
    await expect(tx.commit()).rejects.toThrow();
    expect(await readItem(keys.event(recorded.event.id))).toBeUndefined();
    expect(await drain()).toEqual([]);
  });

  it('membership, team partner and sharing changes record their events too', async () => {
    const w = await hostAndGuest();
    const id = await activePartnership(w, workflow);
    await drain();
    const roleChanged = await send({
      actor: w.host.admin,
      method: 'PATCH',
      path: `/workspaces/${w.host.workspaceId}/members/${w.host.member.userId}`,
      body: { role: 'billing_admin' },
    });
    expect(roleChanged.status).toBe(200);
    const changed = await drain();
    expect(changed.map((e) => e.event.type)).toEqual(['workspace.member_role_changed.v1']);
    expect(changed[0]?.event.data).toEqual({
      workspaceId: w.host.workspaceId,
      userId: w.host.member.userId,
      from: 'member',
      to: 'billing_admin',
    });
    expect(changed[0]?.audience).toEqual([w.host.workspaceId]);

    const teamId = await newTeam(w.host.owner, w.host.workspaceId, 'Launch');
    const [invitationId] = await invitePartners(w.host.owner, teamId, [{ email: w.guest.member.email, permission: 'edit' }]);
    const accountId = await newAccount(w.host.owner, w.host.workspaceId, 'Ads');
    const shared = await w.host.member.post(`/partnerships/${id}/shares`, {
      accountId,
      members: [{ email: w.guest.member.email, role: 'collaborator' }],
    });
    expect(shared.status).toBe(201);
    expect((await w.host.member.delete(`/partnerships/${id}/shares/${accountId}`)).status).toBe(204);
    const more = await drain();
    expect(more.map((e) => e.event.type)).toEqual(['team_partner.invitations_created.v1', 'share.granted.v1', 'share.revoked.v1']);
    expect(more[0]?.event.data).toMatchObject({
      teamId,
      invitations: [{ invitationId, userId: w.guest.member.userId, status: 'active', activatedBy: 'inviter' }],
    });
    expect(more[1]?.event.data).toMatchObject({
      partnershipId: id,
      accountId,
      members: [{ userId: w.guest.member.userId, role: 'collaborator', change: 'added' }],
    });
    expect(more[1]?.audience).toEqual([w.host.workspaceId, w.guest.workspaceId]);
    // Ids, not e-mails: no person's address travels in an event.
    expect(JSON.stringify([...changed, ...more])).not.toContain('@');
    [...changed, ...more].forEach(expectValid);
  });

  it('an event whose data does not match its schema (or an unknown type) is refused before anything is written', () => {
    const ctx = UseCaseContext.forSystem('system:test');
    const tx = ctx.store.transaction();
    const input = { subject: 's', audience: ['w'], correlationId: 'c', at: ctx.at };
    expect(() => appendEvent(tx, { ...input, type: 'partnership.accepted.v1', data: { partnershipId: 'p' } })).toThrow(InvalidEvent);
    expect(() => appendEvent(tx, { ...input, type: 'nothing.happened.v1', data: {} })).toThrow(InvalidEvent);
    expect(() =>
      appendEvent(tx, {
        ...input,
        type: 'webhook.deleted.v1',
        data: {
          webhookId: 'x',
          workspaceId: 'w',
          url: 'https://example.com/hook',
          eventTypes: ['*'],
          status: 'enabled',
          secret: 'whsec_x',
        },
      }),
    ).toThrow(InvalidEvent);
    expect(tx.size).toBe(0);
  });
});

describe('the local dispatcher', () => {
  it('hands committed events to a registered consumer, survives a failing consumer (at least once) and a restart', async () => {
    const w = await hostAndGuest();
    await drain();
    const got: string[] = [];
    let failOnce = true;
    const flaky = createEventDispatcher({
      consumers: () => [
        [
          'flaky',
          (events) => {
            if (failOnce) {
              failOnce = false;
              return Promise.reject(new Error('receiver down'));
            }
            got.push(...events.map((e) => e.event.type));
            return Promise.resolve();
          },
        ],
      ],
    });
    const id = await memberRequest(w);
    expect(await flaky.tick()).toBe(0); // the consumer failed: the event stays undispatched
    expect((await undispatchedEvents(100)).map((e) => e.recorded.event.subject)).toContain(`partnerships/${id}`);
    // "Restart": a new dispatcher finds what the old one left.
    await flaky.stop();
    const restarted = createEventDispatcher({
      consumers: () => [['again', (events) => Promise.resolve(void got.push(...events.map((e) => e.event.type)))]],
    });
    expect(await restarted.tick()).toBeGreaterThan(0);
    expect(got).toContain('partnership.requested.v1');
    expect(await undispatchedEvents(100)).toEqual([]);
  });

  it('runs by itself: an event reaches a consumer registered with registerEventConsumer', async () => {
    const w = await hostAndGuest();
    await drain();
    const running = createEventDispatcher({ intervalMs: 50 });
    let resolveSeen: (type: string) => void = () => undefined;
    const arrived = new Promise<string>((done) => (resolveSeen = done));
    const unregister = registerEventConsumer('test-consumer', (events) => {
      const hit = events.find((e) => e.event.type === 'partnership.requested.v1');
      if (hit) resolveSeen(hit.event.type);
      return Promise.resolve();
    });
    running.start();
    try {
      await memberRequest(w);
      await expect(arrived).resolves.toBe('partnership.requested.v1');
    } finally {
      unregister();
      await running.stop();
    }
  });
});
