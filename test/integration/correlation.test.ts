/**
 * SPEC §1, §12: one request's correlation id, sent as `x-correlation-id`, comes back in its response
 * header and follows it into its log lines, its workflow execution's input (and the wait task's log
 * lines), its notification (and the delivery function's log lines). Its metrics are recorded.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { deliver } from '../../functions/notifications/deliver';
import { MetricNames } from '../../shared/observability/metric-names';
import { localMetrics, resetLocalMetrics } from '../../shared/observability/metrics';
import { keys } from '../../shared/store/keys';
import { readItem } from '../support/table';
import { hostAndGuest } from '../support/world';
import { useLocalWorkflow } from '../support/workflow';

// The logger's level is read when it is built (the handler middleware returns to it on every request):
// INFO in this file, SILENT in the others (vitest.config.ts).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const workflow = useLocalWorkflow();

/** The service's JSON log lines written while the test runs (the logger writes them to stdout). */
let lines: Array<Record<string, unknown>> = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not one of ours
      }
    }
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const linesOf = (correlationId: string) => lines.filter((l) => l.correlationId === correlationId);

describe('correlation id (SPEC §1)', () => {
  it('follows one request into its response, log lines, workflow execution and notification', async () => {
    const w = await hostAndGuest();
    resetLocalMetrics();
    const correlationId = `corr-${Date.now()}:test.1`;

    const response = await w.host.member.post(
      `/workspaces/${w.host.workspaceId}/partnerships`,
      { guestWorkspaceId: w.guest.workspaceId, partnerEmail: w.guest.admin.email, reason: 'We run the project together' },
      { 'x-correlation-id': correlationId },
    );
    expect(response.status).toBe(201);
    expect(response.headers['x-correlation-id']).toBe(correlationId);
    const partnershipId = (response.body as { partnershipId: string }).partnershipId;

    // The workflow execution's input, and the wait task's log line.
    const execution = await workflow.waitFor(partnershipId, { state: 'AwaitHostApproval' });
    expect(execution.input).toMatchObject({
      partnershipId,
      correlationId,
      hostWorkspaceId: w.host.workspaceId,
      guestWorkspaceId: w.guest.workspaceId,
    });
    await vi.waitFor(() =>
      expect(lines.map((l) => [l.task, l.correlationId, l.message])).toContainEqual([
        'AwaitDecision',
        correlationId,
        'task token registered',
      ]),
    );
    expect(linesOf(correlationId).find((l) => l.task === 'AwaitDecision')).toMatchObject({
      partnershipId,
      hostWorkspaceId: w.host.workspaceId,
      guestWorkspaceId: w.guest.workspaceId,
    });

    // The request's own log lines (the wrapper logs the request with its route and API request id).
    const request = linesOf(correlationId).filter((l) => l.route === 'POST /workspaces/{workspaceId}/partnerships');
    expect(request.length).toBeGreaterThan(0);
    expect(request.find((l) => l.message === 'request done')).toMatchObject({
      status: 201,
      apiRequestId: expect.any(String),
      workspaceId: w.host.workspaceId,
    });

    // The notification the request caused (the host's Admins are asked to approve) carries it.
    const notification = await firstNotification(w.host.admin.email, 'partnership.requested');
    expect(notification).toMatchObject({ correlationId });

    // The delivery function logs with it.
    const sent: string[] = [];
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: { SequenceNumber: '1', NewImage: marshall(notification) as never },
        },
      ],
    };
    const result = await deliver(event, { send: (m) => (sent.push(m.to), Promise.resolve('msg-1')), now: () => new Date() });
    expect(result.batchItemFailures).toEqual([]);
    expect(sent).toEqual([w.host.admin.email]);
    expect(linesOf(correlationId).find((l) => l.task === 'DeliverNotification')).toMatchObject({ message: 'notification sent' });

    // And its metrics: the route's request and the partnership requested.
    const metric = (name: string, route?: string) =>
      localMetrics().find((m) => m.name === name && (route === undefined || m.dimensions.route === route));
    expect(metric(MetricNames.routeRequests, 'POST /workspaces/{workspaceId}/partnerships')).toMatchObject({ count: 1, sum: 1 });
    expect(metric(MetricNames.routeServerErrors, 'POST /workspaces/{workspaceId}/partnerships')).toMatchObject({ sum: 0 });
    expect(metric(MetricNames.partnershipsRequested)).toMatchObject({ sum: 1 });
    expect(metric(MetricNames.notificationsSent)).toMatchObject({ sum: 1 });
  });

  it('replaces an unusable id with a new one, on errors too', async () => {
    const w = await hostAndGuest();
    const response = await w.host.member.get(`/partnerships/ps-missing`, { 'x-correlation-id': 'bad id with spaces' });
    expect(response.status).toBe(404);
    const id = response.headers['x-correlation-id'];
    expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(id).not.toBe('bad id with spaces');
    expect(linesOf(id!).find((l) => l.message === 'request done')).toMatchObject({
      status: 404,
      route: 'GET /partnerships/{partnershipId}',
    });
  });
});

async function firstNotification(email: string, template: string): Promise<Record<string, unknown>> {
  const { listNotifications } = await import('../../shared/store/activity');
  const { items } = await listNotifications(email, { limit: 100 });
  const found = items.find((n) => n.template === template);
  if (!found) throw new Error(`no ${template} notification for ${email}`);
  const item = await readItem(keys.notification(found.to, found.at, found.id));
  if (!item) throw new Error('notification item not found');
  return item;
}
