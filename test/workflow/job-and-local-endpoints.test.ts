/**
 * The scheduled job reads only the due part of gsi2; the local endpoints (§9) serve the outbox, run
 * the job with an injected clock, and report health only once the workflow runner is ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { notify, type Notification } from '../../shared/notify/notify';
import { db, tableName } from '../../shared/store/client';
import { Transaction } from '../../shared/store/transaction';
import { registerDueProcessor, runReminderJob, type DueOutcome } from '../../shared/features/jobs/reminder-job';
import { localWorkflow } from '../../shared/workflow/port';
import { startLocalService, type LocalService } from '../../local/runtime';

const seen: string[] = [];
registerDueProcessor('TEST_DUE', async (item) => {
  seen.push(item.pk);
  return item.outcome as DueOutcome;
});

async function putAll(items: Record<string, any>[]) {
  for (let i = 0; i < items.length; i += 25) {
    await db().send(
      new BatchWriteCommand({ RequestItems: { [tableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
  }
}
const dueItem = (id: string, dueAt: string, outcome: DueOutcome, type = 'TEST_DUE') => ({
  pk: `TEST#${id}`,
  sk: 'TEST',
  type,
  outcome,
  gsi2pk: 'DUE',
  gsi2sk: `${dueAt}#${type}#${id}`,
});

let service: LocalService;
beforeAll(async () => {
  service = await startLocalService({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: process.env.TABLE_NAME });
}, 60_000);
afterAll(async () => {
  await service?.stop();
});

describe('reminder job', () => {
  it('reads only the due items of gsi2, page by page, and dispatches them by type', async () => {
    const now = new Date('2031-05-10T12:00:00.000Z');
    await putAll([
      ...Array.from({ length: 100 }, (_, i) => dueItem(`undue-${i}`, '2031-05-10T12:00:00.001Z', 'reminded')),
      dueItem('due-1', '2031-05-01T00:00:00.000Z', 'reminded'),
      dueItem('due-2', '2031-05-09T00:00:00.000Z', 'expired'),
      dueItem('due-3', '2031-05-10T12:00:00.000Z', 'resumed'),
      dueItem('due-4', '2031-05-02T00:00:00.000Z', 'reminded', 'UNKNOWN_TYPE'),
    ]);
    seen.length = 0;
    const result = await runReminderJob({ now, pageSize: 2 });
    expect(result).toMatchObject({ reminded: 1, expired: 1, resumed: 1, skipped: 1, failed: 0, scanned: 4 });
    // 4 due items in pages of 2: the second page is full, so one more (empty) page confirms the end.
    expect(result.pages).toBe(3);
    expect(seen.sort()).toEqual(['TEST#due-1', 'TEST#due-2', 'TEST#due-3']);
  });

  it('counts a failing item and goes on with the others', async () => {
    registerDueProcessor('TEST_THROWS', async () => {
      throw new Error('boom');
    });
    await putAll([dueItem('throws-1', '2020-01-01T00:00:00.000Z', 'reminded', 'TEST_THROWS')]);
    const result = await runReminderJob(new Date('2020-01-02T00:00:00.000Z'));
    expect(result).toMatchObject({ failed: 1, scanned: 1 });
  });
});

describe('local endpoints', () => {
  it('reports health once the workflow runner is ready and registered', async () => {
    const response = await fetch(`${service.url}/local/health`);
    expect(response.status).toBe(200);
    expect(localWorkflow()).toBe(service.workflow);
    expect(service.timings.workflowReadyMs).toBeGreaterThan(0);
  });

  it('GET /local/outbox lists the durable notifications of a recipient, newest first', async () => {
    const to = `Outbox.${Date.now()}@Example.com`;
    const record = async (notification: Notification, correlationId?: string) => {
      const tx = new Transaction(undefined, correlationId);
      notify(tx, notification);
      await tx.commit();
    };
    await record({ template: 'test.first', to: [to], data: { n: 1 }, at: '2031-01-01T00:00:00.000Z' }, 'corr-outbox-1');
    await record({ template: 'test.second', to: [to, 'other@example.com'], data: { n: 2 }, at: '2031-01-02T00:00:00.000Z' });
    const response = await fetch(`${service.url}/local/outbox?to=${encodeURIComponent(to.toLowerCase())}`);
    expect(response.status).toBe(200);
    const body: any = await response.json();
    // SPEC §7/§9: {to, template, subject, data, at}, plus the rendered e-mail (text, html) and its outbox id.
    const rendered = { id: expect.any(String), text: expect.any(String), html: expect.stringMatching(/^<!doctype html>/) };
    expect(body.items).toEqual([
      {
        to: to.toLowerCase(),
        template: 'test.second',
        subject: expect.any(String),
        data: { n: 2 },
        at: '2031-01-02T00:00:00.000Z',
        correlationId: null,
        ...rendered,
      },
      {
        to: to.toLowerCase(),
        template: 'test.first',
        subject: expect.any(String),
        data: { n: 1 },
        at: '2031-01-01T00:00:00.000Z',
        // SPEC §1: the correlation id of the change that recorded it.
        correlationId: 'corr-outbox-1',
        ...rendered,
      },
    ]);
    expect((await fetch(`${service.url}/local/outbox`)).status).toBe(400);
    expect((await fetch(`${service.url}/local/outbox?to=not-an-email`)).status).toBe(400);
  });

  it('GET /local/outbox returns each e-mail as its reader gets it, and GET /local/outbox/{id}.html shows it', async () => {
    const to = `reader.${Date.now()}@globex.example`;
    const tx = new Transaction();
    const data = { partnershipId: 'ps-reader-1', hostName: 'Acme <Host>', guestName: 'Globex', expiresAt: '2031-12-30T14:00:00.000Z' };
    notify(tx, { template: 'partnership.invitation', to: [to], data, at: '2031-11-30T14:00:00.000Z' });
    await tx.commit();
    const body: any = await (await fetch(`${service.url}/local/outbox?to=${encodeURIComponent(to)}`)).json();
    const [email] = body.items;
    expect(email).toMatchObject({ to, template: 'partnership.invitation', subject: 'Acme <Host> invites Globex to a partnership', data });
    expect(email.text).toContain('Acme <Host> invites your workspace Globex to a partnership.');
    expect(email.text).toContain('Decide by 30 December 2031, 14:00 UTC');
    expect(email.text).toContain('http://localhost:5173/partnerships/ps-reader-1');
    expect(email.html).toContain('Acme &lt;Host&gt;');
    expect(email.html).toContain('href="http://localhost:5173/partnerships/ps-reader-1"');

    const page = await fetch(`${service.url}/local/outbox/${email.id}.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toBe(email.html);

    // An unknown id (well formed, or not) is a 404 in the API's error format.
    const unknownId = Buffer.from(`${to}\n2031-11-30T14:00:00.000Z\nzzzzzzzzz`).toString('base64url');
    for (const id of [unknownId, 'not-an-id', email.id.slice(0, -4)]) {
      const missing = await fetch(`${service.url}/local/outbox/${id}.html`);
      expect(missing.status, id).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('POST /local/jobs/reminders runs the job once with the given clock', async () => {
    await putAll([dueItem('endpoint-1', '2040-03-01T00:00:00.000Z', 'expired')]);
    const before = await fetch(`${service.url}/local/jobs/reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: '2040-02-01T00:00:00.000Z' }),
    });
    expect(before.status).toBe(200);
    const early = (await before.json()) as { expired: number };
    seen.length = 0;
    const response = await fetch(`${service.url}/local/jobs/reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: '2040-03-01T00:00:01.000Z' }),
    });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body.expired).toBe(early.expired + 1);
    expect(body).toHaveProperty('reminded');
    // SPEC §9/§10: the counts of the governance work (rounds opened, terms lapsed, continuations, departures).
    for (const count of ['roundsOpened', 'ended', 'continued', 'departures']) expect(typeof body[count], count).toBe('number');
    expect(seen).toContain('TEST#endpoint-1');

    const bad = await fetch(`${service.url}/local/jobs/reminders`, { method: 'POST', body: JSON.stringify({ now: 'tomorrow' }) });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${service.url}/local/jobs/reminders`, { method: 'POST', body: JSON.stringify({ later: true }) });
    expect(unknown.status).toBe(400);
  });

  it('GET /local/workflow reports an execution with its transitions', async () => {
    // Real task handlers: whatever they do with an unknown partnership, the first two states are entered.
    const id = `ps-endpoint-${Date.now()}`;
    await service.workflow.start(id, { partnershipId: id, hostApprovalRequired: false });
    let body: any;
    for (let i = 0; i < 100; i++) {
      const response = await fetch(`${service.url}/local/workflow?execution=${id}`);
      expect(response.status).toBe(200);
      body = await response.json();
      if (body.transitions >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(body).toMatchObject({ name: id, input: { partnershipId: id, hostApprovalRequired: false } });
    expect(
      body.history
        .filter((e: any) => e.type === 'StateEntered')
        .map((e: any) => e.state)
        .slice(0, 2),
    ).toEqual(['NeedsHostApproval?', 'AwaitGuestAcceptance']);
    expect((await fetch(`${service.url}/local/workflow?execution=nope`)).status).toBe(404);
  });
});
