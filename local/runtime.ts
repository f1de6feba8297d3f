/**
 * The whole service, locally, in one process: DynamoDB Local, the table, the token authority, the
 * HTTP server over the real handlers, the local-only endpoints (§9), and (issue 4) the state machine
 * runner and the scheduled job.
 */
import type { AddressInfo } from 'node:net';
import { ensureTable, startDynamoLocal, type DynamoLocal } from './dynamodb';
import { createTokenAuthority, type TokenAuthority } from './tokens';
import { createLocalServer, json, type LocalEndpoint } from './server';
import { resetConfigForTests } from '../shared/config';
import { buildOpenApi } from '../shared/openapi/document';
import * as z from 'zod/mini';
import { errorResponse } from '../shared/http/errors';
import { email } from '../shared/http/schemas';
import { registerLocalWorkflow } from '../shared/workflow/port';
import { getNotification, listNotifications, type NotificationRecord } from '../shared/store/activity';
import { configuredAppUrl, renderEmail } from '../shared/notify/email';
import { runReminderJob } from '../shared/features/jobs/reminder-job';
import { attemptDelivery } from '../shared/features/webhooks/deliver';
import { runWebhookJob } from '../shared/features/webhooks/job';
import { registerLocalDeliveryQueue } from '../shared/features/webhooks/queue';
import { createWorkflowRunner, type WorkflowRunner } from './workflow-runner';
import { docsPage, docsScript } from './docs';
import { createEventDispatcher, localEventsConsumer, localEventsEndpoint, type EventDispatcher } from './event-dispatcher';
import { registerEventConsumer } from '../shared/events/consumers';
import { fanOutToWebhooks } from '../shared/features/webhooks/fan-out';
import { newCorrelationId } from '../shared/context';
import { METRICS_NAMESPACE } from '../shared/observability/metric-names';
import { localMetrics, publishMetrics, recordWorkflowResumesReconciled, resetLocalMetrics } from '../shared/observability/metrics';

export interface LocalServiceOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  tableName?: string;
  /** Reuse a running DynamoDB Local (tests). */
  dynamoEndpoint?: string;
}

export interface LocalService {
  url: string;
  tokens: TokenAuthority;
  dynamoEndpoint: string;
  /** The in-process state machine runner (registered as the workflow port). */
  workflow: WorkflowRunner;
  /** The domain event dispatcher (hands committed events to the registered consumers). */
  events: EventDispatcher;
  /** Startup measurements (ms): the runner's synth + preparation, overlapped with DynamoDB Local's start. */
  timings: { workflowReadyMs: number; workflowSynthMs: number; startMs: number };
  stop: () => Promise<void>;
}

const tokenRequest = z.strictObject({ sub: z.string().check(z.minLength(1), z.maxLength(128)), email: email() });
const outboxQuery = z.strictObject({
  to: email(),
  limit: z.optional(z.string().check(z.regex(/^[0-9]{1,3}$/))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
/**
 * The outbox id of a notification (GET /local/outbox/{id}.html): its recipient, time and id, base64url,
 * so the item is one GetItem away (NOTE#<to> / <at>#<id>), never a Scan. Local only.
 */
const outboxId = (n: Pick<NotificationRecord, 'to' | 'at' | 'id'>) => Buffer.from(`${n.to}\n${n.at}\n${n.id}`).toString('base64url');
const outboxKey = z.tuple([email(), z.iso.datetime(), z.string().check(z.regex(/^[a-z0-9]{1,64}$/))]);
function parseOutboxId(id: string): { to: string; at: string; id: string } | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(id)) return undefined;
  const parsed = outboxKey.safeParse(Buffer.from(id, 'base64url').toString('utf8').split('\n'));
  return parsed.success ? { to: parsed.data[0], at: parsed.data[1], id: parsed.data[2] } : undefined;
}
const jobRequest = z.strictObject({ now: z.optional(z.iso.datetime({ offset: true })) });
const issuesOf = (error: { issues: Array<{ path: PropertyKey[]; code: string }> }) =>
  error.issues.map((i) => ({ field: i.path.join('.') || 'body', issue: i.code }));

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const started = performance.now();
  // The state machine is synthesized from the CDK stack while DynamoDB Local boots.
  const runnerReady = createWorkflowRunner().then(
    (runner) => ({ runner, ms: Math.round(performance.now() - started) }),
    (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
  );
  let dynamo: DynamoLocal | undefined;
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoLocal({ dataDir: options.dataDir })).endpoint;
  const tableName = options.tableName ?? 'partnerships';
  try {
    await ensureTable(dynamoEndpoint, tableName);
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
  // Handlers read their configuration from the environment, as they do in Lambda.
  Object.assign(process.env, {
    SERVICE_MODE: 'local',
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    TABLE_NAME: tableName,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  });
  resetConfigForTests();

  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  const tokens = await createTokenAuthority(`http://localhost:${port}/local`);
  // Set once the runner is ready; until then GET /local/workflow finds no execution.
  let workflowRunner: WorkflowRunner | undefined = undefined;
  const endpoints = new Map<string, LocalEndpoint>();
  let ready = false;

  endpoints.set('GET /local/health', () =>
    Promise.resolve(ready ? json(200, { status: 'ok', dynamodb: dynamoEndpoint }) : json(503, { status: 'starting' })),
  );
  endpoints.set('POST /local/tokens', async ({ body }) => {
    const parsed = tokenRequest.safeParse(body ?? {});
    if (!parsed.success) {
      return errorResponse(
        400,
        'validation_failed',
        'Give {sub, email}.',
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', issue: i.code })),
      );
    }
    return json(201, { token: await tokens.issue(parsed.data) });
  });
  endpoints.set('GET /openapi.json', () => Promise.resolve(json(200, buildOpenApi())));
  endpoints.set('GET /docs', docsPage);
  endpoints.set('GET /docs/scalar.js', docsScript);
  endpoints.set('GET /local/outbox', async ({ query }) => {
    const parsed = outboxQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) return errorResponse(400, 'validation_failed', 'Give ?to=<email>.', issuesOf(parsed.error));
    const limit = Math.min(100, Math.max(1, Number(parsed.data.limit ?? 100)));
    const page = await listNotifications(parsed.data.to, { limit, cursor: parsed.data.cursor });
    // SPEC §7, §9: what each e-mail said (rendered as delivery renders it), not how the outbox stores it.
    const appUrl = configuredAppUrl();
    const items = page.items.map((item) => {
      const { to, template, subject, data, at, correlationId } = item;
      const { text, html } = renderEmail(item, { appUrl });
      return { id: outboxId(item), to, template, subject, data, at, correlationId: correlationId ?? null, text, html };
    });
    return json(200, { items, nextCursor: page.nextCursor });
  });
  // The rendered e-mail in a browser: the id from GET /local/outbox, then `.html`.
  endpoints.set('GET /local/outbox/*', async ({ path }) => {
    const [, raw = ''] = /^\/local\/outbox\/([^/]+)\.html$/.exec(path) ?? [];
    const key = parseOutboxId(raw);
    const item = key && (await getNotification(key.to, key.at, key.id));
    if (!item) return errorResponse(404, 'not_found', 'No e-mail with this id in the outbox.');
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        // An e-mail has no scripts: none runs here either, whatever its data.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        'x-content-type-options': 'nosniff',
      },
      body: renderEmail(item, { appUrl: configuredAppUrl() }).html,
    };
  });
  endpoints.set('GET /local/events', localEventsEndpoint);
  endpoints.set('POST /local/jobs/reminders', async ({ body }) => {
    const parsed = jobRequest.safeParse(body ?? {});
    if (!parsed.success) return errorResponse(400, 'validation_failed', 'Give {now?: ISO-8601 time}.', issuesOf(parsed.error));
    const correlationId = newCorrelationId();
    const result = await runReminderJob({ now: parsed.data.now ? new Date(parsed.data.now) : new Date(), correlationId });
    recordWorkflowResumesReconciled(result.resumed);
    publishMetrics();
    return json(200, { ...result, correlationId });
  });
  // Every metric recorded in this process (EMF lines are also printed on stdout), aggregated per name
  // and dimensions; `?reset=true` clears them after reading.
  endpoints.set('GET /local/metrics', ({ query }) => {
    const body = { namespace: METRICS_NAMESPACE, metrics: localMetrics() };
    if (query.get('reset') === 'true') resetLocalMetrics();
    return Promise.resolve(json(200, body));
  });
  endpoints.set('POST /local/jobs/webhooks', async ({ body }) => {
    const parsed = jobRequest.safeParse(body ?? {});
    if (!parsed.success) return errorResponse(400, 'validation_failed', 'Give {now?: ISO-8601 time}.', issuesOf(parsed.error));
    return json(200, await runWebhookJob({ now: parsed.data.now ? new Date(parsed.data.now) : new Date() }));
  });
  endpoints.set('GET /local/workflow', ({ query }) => {
    const name = query.get('execution') ?? '';
    const runner = workflowRunner;
    const execution = runner?.execution(name);
    if (!runner || !execution) return Promise.resolve(errorResponse(404, 'not_found', 'No execution of that name in this process.'));
    return Promise.resolve(json(200, { ...execution, transitions: runner.transitions(name) }));
  });

  const server = createLocalServer({ tokens, endpoints });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  }).catch(async (error: unknown) => {
    await dynamo?.stop();
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
      throw new Error(`Port ${port} is already in use: set PORT to a free port.`);
    throw error;
  });
  const actualPort = (server.address() as AddressInfo).port;
  const built = await runnerReady;
  if ('error' in built) {
    await new Promise<void>((done) => server.close(() => done()));
    await dynamo?.stop();
    throw new Error(`The workflow runner did not start: ${built.error.message}`);
  }
  workflowRunner = built.runner;
  registerLocalWorkflow(workflowRunner);
  // Domain events: committed events reach the consumers within a second (the local one keeps them for GET /local/events).
  const unregisterLocalEvents = registerEventConsumer('local-events', localEventsConsumer);
  // ...and the webhook fan-out, as the bus rule feeds it deployed.
  const unregisterWebhookFanOut = registerEventConsumer('webhook-fan-out', fanOutToWebhooks);
  const events = createEventDispatcher();
  events.start();
  // Webhook attempts due within a minute run on their own (first attempts at once); later ones by POST /local/jobs/webhooks.
  const deliveryTimers = new Set<NodeJS.Timeout>();
  registerLocalDeliveryQueue((attempts) => {
    for (const attempt of attempts) {
      const wait = Date.parse(attempt.dueAt) - Date.now();
      if (wait > 60_000) continue;
      const timer = setTimeout(
        () => {
          deliveryTimers.delete(timer);
          attemptDelivery(attempt.webhookId, attempt.deliveryId, { now: new Date() }).catch((error: unknown) =>
            console.error('local webhook delivery failed', error),
          );
        },
        Math.max(0, wait),
      );
      deliveryTimers.add(timer);
    }
  });
  ready = true;

  return {
    url: `http://${host}:${actualPort}`,
    tokens,
    dynamoEndpoint,
    workflow: built.runner,
    events,
    timings: {
      workflowReadyMs: built.ms,
      workflowSynthMs: built.runner.timings.synthMs,
      startMs: Math.round(performance.now() - started),
    },
    stop: async () => {
      ready = false;
      registerLocalWorkflow(undefined);
      await events.stop();
      unregisterLocalEvents();
      unregisterWebhookFanOut();
      registerLocalDeliveryQueue(undefined);
      for (const timer of deliveryTimers) clearTimeout(timer);
      await built.runner.stop();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await dynamo?.stop();
    },
  };
}
