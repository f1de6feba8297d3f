/**
 * The cost model (docs/COST.md, written by `npm run bench`): the bench's measurements (DynamoDB request
 * units per route from ReturnConsumedCapacity, Lambda duration per route at the configured memory, state
 * transitions per lifecycle) turned into dollars at list prices.
 *
 * Prices: us-east-1, on-demand, list prices as published by AWS (DynamoDB on-demand after its
 * 2024-11-01 reduction), as known on PRICES_AS_OF; not re-read online by the bench. Change PRICES when
 * AWS changes them. Not in the model: CloudWatch Logs ingestion and storage ($0.50/GB ingested),
 * X-Ray traces beyond the free tier, data transfer out, DynamoDB storage and streams (stream reads by
 * Lambda are free), the scheduled job (a per-deployment cost, not per workspace).
 */
import type { RouteResult, WorldMeasurement } from './routes';
import { percentile } from './stats';
import type { LifecycleResult } from './workflow';

export const PRICES_AS_OF = '2024-11-01 (AWS list prices for us-east-1; check https://aws.amazon.com/pricing before relying on them)';

export const PRICES = {
  /** API Gateway HTTP API, per request (first 300 million a month). */
  httpApiRequest: 1.0 / 1e6,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda, per GB-second on Arm (the functions are ARM_64, infra/constructs/service-function.ts). */
  lambdaGbSecondArm: 0.0000133334,
  /** DynamoDB on-demand, per read request unit. */
  dynamoRru: 0.125 / 1e6,
  /** DynamoDB on-demand, per write request unit. */
  dynamoWru: 0.625 / 1e6,
  /** Step Functions Standard workflows, per state transition. */
  stateTransition: 0.025 / 1000,
  /** SES, per e-mail sent. */
  sesEmail: 0.1 / 1000,
} as const;

/** What one request of a route costs, from its measurement. */
export interface RouteCost {
  id: string;
  kind: 'read' | 'write';
  rru: number;
  wru: number;
  /** Billed Lambda duration (ms, rounded up to 1 ms): the p50 of the handler in the bench. */
  billedMs: number;
  memoryMb: number;
  /** Notification e-mails the request causes (outbox items written). */
  emails: number;
  /** Dollars per request, by part (e-mails: SES, the delivery invocation, marking it delivered). */
  parts: { api: number; lambda: number; dynamo: number; email: number };
  perRequest: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function lambdaCost(ms: number, memoryMb: number): number {
  return PRICES.lambdaRequest + (Math.ceil(ms) / 1000) * (memoryMb / 1024) * PRICES.lambdaGbSecondArm;
}

export function dynamoCost(rru: number, wru: number): number {
  return rru * PRICES.dynamoRru + wru * PRICES.dynamoWru;
}

export function routeCost(route: RouteResult, memoryMb: number): RouteCost | undefined {
  const m: WorldMeasurement | undefined = route.large;
  if (!m || m.latencies.length === 0 || m.rru.length === 0) return undefined;
  const rru = mean(m.rru);
  const wru = mean(m.wru);
  const billedMs = Math.ceil(percentile(m.latencies, 50));
  const emails = mean(m.notifications);
  const parts = {
    api: PRICES.httpApiRequest,
    lambda: lambdaCost(billedMs, memoryMb),
    dynamo: dynamoCost(rru, wru),
    email: emails * emailCost(memoryMb),
  };
  return {
    id: route.id,
    kind: route.kind,
    rru,
    wru,
    billedMs,
    memoryMb,
    emails,
    parts,
    perRequest: parts.api + parts.lambda + parts.dynamo + parts.email,
  };
}

/** The full lifecycle the target is stated for (SPEC §12 issue): request → approve → accept → 1 share → 10 logins → remove. */
export const LIFECYCLE_STEPS: ReadonlyArray<{ route: string; times: number }> = [
  { route: 'createPartnership', times: 1 },
  { route: 'approvePartnership', times: 1 },
  { route: 'acceptPartnership', times: 1 },
  { route: 'shareAccount', times: 1 },
  { route: 'createLogin', times: 10 },
  { route: 'removePartnership', times: 1 },
];

/**
 * Assumptions beyond what the bench measures (stated in COST.md): each workflow task invocation
 * (AwaitHostApproval, AwaitGuestAcceptance register their token: one transaction) costs a Lambda
 * request of taskMs at the configured memory, 2 WRU and 1 RRU; each notification e-mail (counted: the
 * outbox items a request writes) one SES e-mail, one delivery invocation of deliveryMs (one record per
 * invocation: the worst case, batches share it) and 1 WRU (marked delivered).
 */
export const LIFECYCLE_ASSUMPTIONS = { taskMs: 60, taskWru: 2, taskRru: 1, deliveryMs: 120, deliveryWru: 1 };

/** One notification e-mail: SES, its delivery invocation, the write that marks it delivered. */
export function emailCost(memoryMb: number): number {
  const a = LIFECYCLE_ASSUMPTIONS;
  return PRICES.sesEmail + lambdaCost(a.deliveryMs, memoryMb) + dynamoCost(0, a.deliveryWru);
}

export interface LifecycleCost {
  steps: Array<{ route: string; times: number; cost?: number; emails?: number }>;
  transitions?: number;
  tasks: number;
  emails: number;
  total?: number;
  parts: { routes: number; workflow: number; tasks: number; notifications: number };
  missing: string[];
}

export function lifecycleCost(costs: RouteCost[], lifecycles: LifecycleResult[] | undefined, memoryMb: number): LifecycleCost {
  const missing: string[] = [];
  const steps = LIFECYCLE_STEPS.map((s) => {
    const c = costs.find((r) => r.id === s.route);
    if (!c) missing.push(`route ${s.route} not measured`);
    return { ...s, cost: c ? (c.perRequest - c.parts.email) * s.times : undefined, emails: c ? c.emails * s.times : undefined };
  });
  const emails = steps.reduce((n, s) => n + (s.emails ?? 0), 0);
  const approval = lifecycles?.find((l) => l.name.startsWith('request → approve → accept'));
  if (approval?.transitions === undefined) missing.push('workflow transitions not measured');
  const transitions = approval?.transitions;
  const tasks = approval?.path?.filter((state) => state.startsWith('Await')).length ?? 2;
  const a = LIFECYCLE_ASSUMPTIONS;
  const parts = {
    routes: steps.reduce((n, s) => n + (s.cost ?? 0), 0),
    workflow: (transitions ?? 0) * PRICES.stateTransition,
    tasks: tasks * (lambdaCost(a.taskMs, memoryMb) + dynamoCost(a.taskRru, a.taskWru)),
    notifications: emails * emailCost(memoryMb),
  };
  const total = missing.length ? undefined : parts.routes + parts.workflow + parts.tasks + parts.notifications;
  return { steps, transitions, tasks, emails, total, parts, missing };
}

/** The usage profile of one active workspace in a month (stated in COST.md). */
export const WORKSPACE_MONTH = {
  /** Read requests (any read route; the mean cost of the measured read routes). */
  reads: 6000,
  /** Logins to shared accounts (createLogin). */
  logins: 300,
  /** Other writes (the mean cost of the measured write routes). */
  writes: 400,
  /** Full partnership lifecycles. */
  lifecycles: 1,
};

export function workspaceMonthCost(costs: RouteCost[], lifecycle: LifecycleCost): number | undefined {
  const reads = costs.filter((c) => c.kind === 'read');
  const writes = costs.filter((c) => c.kind === 'write');
  const login = costs.find((c) => c.id === 'createLogin');
  if (!reads.length || !writes.length || !login || lifecycle.total === undefined) return undefined;
  const w = WORKSPACE_MONTH;
  return (
    w.reads * mean(reads.map((c) => c.perRequest)) +
    w.writes * mean(writes.map((c) => c.perRequest)) +
    w.logins * login.perRequest +
    w.lifecycles * lifecycle.total
  );
}

// ---- webhooks (SPEC §11): the hook the webhook delivery work fills --------------------------------------

/** What the webhook delivery bench measures, per event. */
export interface WebhookDeliveryInputs {
  /** Subscribed endpoints an event is delivered to (mean). */
  deliveriesPerEvent: number;
  /** Attempts per delivery (1 + retries, mean). */
  attemptsPerDelivery: number;
  /** Lambda duration of one attempt (ms) and its memory. */
  msPerAttempt: number;
  memoryMb: number;
  /** DynamoDB units per attempt (reading the delivery, recording the outcome). */
  rruPerAttempt: number;
  wruPerAttempt: number;
  /** Lambda invocations per attempt (1 when each attempt is its own invocation; less when batched). */
  invocationsPerAttempt?: number;
  /** State transitions per delivery when deliveries run in a state machine (0 otherwise). */
  transitionsPerDelivery?: number;
}

/** Dollars per 1,000 events delivered, from measured inputs. */
export function webhookCostPer1000Events(i: WebhookDeliveryInputs): number {
  const attempts = i.deliveriesPerEvent * i.attemptsPerDelivery;
  const perAttempt =
    (i.invocationsPerAttempt ?? 1) * PRICES.lambdaRequest +
    (Math.ceil(i.msPerAttempt) / 1000) * (i.memoryMb / 1024) * PRICES.lambdaGbSecondArm +
    dynamoCost(i.rruPerAttempt, i.wruPerAttempt);
  return 1000 * (attempts * perAttempt + i.deliveriesPerEvent * (i.transitionsPerDelivery ?? 0) * PRICES.stateTransition);
}

/**
 * The webhook figures for COST.md: undefined until the webhook delivery bench measures them (set
 * `webhookInputs` in the report, bench/run.ts). The section says so rather than guessing.
 */
export function webhookSection(inputs: WebhookDeliveryInputs | undefined): string[] {
  const lines = ['## Webhook delivery per 1,000 events', ''];
  if (!inputs) {
    lines.push(
      'Not measured yet: the webhook delivery work fills `BenchReport.webhookInputs` (bench/run.ts) with its measured',
      '`WebhookDeliveryInputs`, and `webhookCostPer1000Events` (bench/cost.ts) prices them here.',
    );
    return lines;
  }
  lines.push(
    `Measured: ${inputs.deliveriesPerEvent} deliveries per event, ${inputs.attemptsPerDelivery} attempts per delivery, ` +
      `${inputs.msPerAttempt} ms per attempt at ${inputs.memoryMb} MB, ${inputs.rruPerAttempt} RRU and ${inputs.wruPerAttempt} WRU per attempt.`,
    '',
    `**$${webhookCostPer1000Events(inputs).toFixed(4)} per 1,000 events.**`,
  );
  return lines;
}

// ---- the document -----------------------------------------------------------------------------------

const usd = (n: number | undefined, digits = 6) => (n === undefined || !Number.isFinite(n) ? '—' : `$${n.toFixed(digits)}`);

export interface CostInputs {
  routes: RouteResult[];
  lifecycles?: LifecycleResult[];
  memoryMb: number;
  webhookInputs?: WebhookDeliveryInputs;
  /** What bench/webhooks.ts printed (latency and cost per 1,000 events), run by `npm run bench`. */
  webhookMarkdown?: string;
  generatedAt: Date;
  quick: boolean;
}

export const LIFECYCLE_TARGET_USD = 0.001;

export function computeCosts(inputs: CostInputs) {
  const costs = inputs.routes.map((r) => routeCost(r, inputs.memoryMb)).filter((c): c is RouteCost => c !== undefined);
  const lifecycle = lifecycleCost(costs, inputs.lifecycles, inputs.memoryMb);
  return { costs, lifecycle, workspaceMonth: workspaceMonthCost(costs, lifecycle) };
}

export function renderCost(inputs: CostInputs, table: (header: string[], rows: string[][]) => string): string {
  const { costs, lifecycle, workspaceMonth } = computeCosts(inputs);
  const a = LIFECYCLE_ASSUMPTIONS;
  const w = WORKSPACE_MONTH;
  const lifecycleOk = lifecycle.total !== undefined && lifecycle.total <= LIFECYCLE_TARGET_USD;
  return [
    '# Cost model',
    '',
    `Generated by \`npm run bench\` (bench/cost.ts) on ${inputs.generatedAt.toISOString()}${inputs.quick ? ' in QUICK mode (small sizes: indicative only)' : ''}, from the figures in docs/PERFORMANCE.md.`,
    '',
    '## Prices used',
    '',
    `us-east-1, on-demand list prices as of ${PRICES_AS_OF}:`,
    '',
    table(
      ['item', 'price'],
      [
        ['API Gateway HTTP API', '$1.00 per million requests'],
        ['Lambda requests', '$0.20 per million'],
        ['Lambda duration (Arm)', '$0.0000133334 per GB-second'],
        ['DynamoDB on-demand reads', '$0.125 per million read request units'],
        ['DynamoDB on-demand writes', '$0.625 per million write request units'],
        ['Step Functions Standard', '$0.025 per 1,000 state transitions'],
        ['SES', '$0.10 per 1,000 e-mails'],
      ],
    ),
    '',
    'Not modelled: CloudWatch Logs ($0.50 per GB ingested), custom metrics from EMF ($0.30 per metric per month, per deployment, not per request), X-Ray beyond the free tier, DynamoDB storage, data transfer, the hourly job (per deployment).',
    '',
    '## Per million requests of each route',
    '',
    `Request units: the mean of ReturnConsumedCapacity (TOTAL) over the bench's requests in the large world (DynamoDB Local reports the units DynamoDB bills: a strongly consistent read of ≤ 4 KB is 1 RRU, a transactional write of ≤ 1 KB is 2 WRU). ` +
      `Lambda: the handler's p50 in the bench, rounded up to the 1 ms billing unit, at the configured ${inputs.memoryMb} MB (infra/constructs/service-function.ts; DynamoDB Local's latency stands in for DynamoDB's).`,
    '',
    table(
      ['route', 'kind', 'RRU', 'WRU', 'billed ms', 'e-mails', 'API', 'Lambda', 'DynamoDB', 'e-mails $', 'per million requests'],
      costs.map((c) => [
        c.id,
        c.kind,
        c.rru.toFixed(2),
        c.wru.toFixed(2),
        String(c.billedMs),
        c.emails.toFixed(1),
        usd(c.parts.api * 1e6, 2),
        usd(c.parts.lambda * 1e6, 2),
        usd(c.parts.dynamo * 1e6, 2),
        usd(c.parts.email * 1e6, 2),
        `**${usd(c.perRequest * 1e6, 2)}**`,
      ]),
    ),
    '',
    '## Per full partnership lifecycle',
    '',
    'Request (by a member) → host approval → guest acceptance → 1 account shared → 10 logins → removal.',
    '',
    table(
      ['part', 'how', 'cost'],
      [
        ...lifecycle.steps.map((s) => [`${s.route} ×${s.times}`, 'measured: API, Lambda, DynamoDB', usd(s.cost)]),
        [
          'workflow',
          `${lifecycle.transitions ?? '—'} state transitions (counted by the local runner: request → approve → accept)`,
          usd(lifecycle.parts.workflow),
        ],
        [
          'workflow tasks',
          `${lifecycle.tasks} wait-task invocations, assumed ${a.taskMs} ms, ${a.taskRru} RRU + ${a.taskWru} WRU each`,
          usd(lifecycle.parts.tasks),
        ],
        [
          'notifications',
          `${lifecycle.emails.toFixed(1)} e-mails (outbox items the steps wrote, counted): SES + a delivery invocation of ${a.deliveryMs} ms (assumed) + ${a.deliveryWru} WRU each`,
          usd(lifecycle.parts.notifications),
        ],
      ],
    ),
    '',
    `**Total: ${usd(lifecycle.total)} per lifecycle; target ≤ $${LIFECYCLE_TARGET_USD}: ${lifecycle.total === undefined ? `not measured (${lifecycle.missing.join('; ')})` : lifecycleOk ? 'PASS' : 'FAIL'}.** ` +
      `Without the e-mails (SES is $0.0001 each): ${usd(lifecycle.total === undefined ? undefined : lifecycle.total - lifecycle.parts.notifications)}.`,
    '',
    '## Per active workspace-month',
    '',
    `Usage profile (one active workspace, one month): ${w.reads} read requests (mean cost of the read routes), ${w.logins} logins to shared accounts, ` +
      `${w.writes} other writes (mean cost of the write routes), ${w.lifecycles} full partnership lifecycle.`,
    '',
    `**${usd(workspaceMonth, 4)} per active workspace-month.**`,
    '',
    ...(inputs.webhookMarkdown
      ? ['## Webhook delivery per 1,000 events', '', ...inputs.webhookMarkdown.trim().split('\n').slice(1)]
      : webhookSection(inputs.webhookInputs)),
    '',
  ].join('\n');
}
