/**
 * Renders the measurements as Markdown tables with pass/fail columns for the targets
 * (docs/DESIGN.md, SPEC §8): printed by `npm run bench` and written to docs/PERFORMANCE.md.
 */
import { EMPTY_ID, SDK_ID, SDK_MODES, SHIPPED_SDK_MODE, type BundleResult, type ModeResult, type SdkMode } from './bundles';
import type { JobResult } from './job';
import type { FillReport } from './seed';
import type { Baseline, RouteResult, WorldMeasurement } from './routes';
import { formatKb, formatMs, percentile } from './stats';
import type { LifecycleResult } from './workflow';

export const TARGETS = {
  readRoundTrips: 2,
  writeRoundTrips: 4,
  /** Read p50 ≤ 1.15× the p50 of the route's own DynamoDB calls replayed raw in the same pattern. */
  readP50VsPattern: 1.15,
  /** Read request units per read: ≤ 1 per item returned + 1. */
  rruPerItemPlus: 1,
  /** Dollars per full partnership lifecycle (docs/COST.md). */
  lifecycleUsd: 0.001,
  /** The service's own code: the bundle without the AWS SDK (built with @aws-sdk/* external). */
  bundleKb: 150,
  /** Cold init ≤ 1.2× a handler that only constructs the DynamoDB document client, bundled the same way. */
  coldVsSdk: 1.2,
  lifecycleTransitions: 12,
};

export interface BenchReport {
  startedAt: Date;
  durationMs: number;
  quick: boolean;
  machine: string;
  rows: { small: number; large: number };
  iterations: { read: number; write: number };
  baseline?: Baseline;
  /** A raw GetItem and a raw Query of 25 items in parallel: the floor of a read route with a Query. */
  readFloor?: Baseline;
  routes?: RouteResult[];
  fills?: { small: FillReport[]; large: FillReport[] };
  bundles?: BundleResult[];
  lifecycles?: LifecycleResult[];
  runnerNote?: string;
  job?: JobResult;
  /** The lifecycle cost (bench/cost.ts), for the targets. */
  lifecycleUsd?: number;
  lifecycleMissing?: string[];
  notes: string[];
}

const PASS = 'pass';
const FAIL = '**FAIL**';
const verdict = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? PASS : FAIL);
const esc = (s: string) => s.replace(/\|/g, '\\|');

/** A Markdown table (cells' `|` escaped); also used by scripts/load/report.ts and scripts/security-report.ts. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const rtRange = (m: WorldMeasurement | undefined) => {
  if (!m || m.roundTrips.length === 0) return '—';
  const min = Math.min(...m.roundTrips);
  const max = Math.max(...m.roundTrips);
  return min === max ? String(max) : `${min}-${max}`;
};
const maxItems = (m: WorldMeasurement | undefined) => (m && m.itemsRead.length ? String(Math.max(...m.itemsRead)) : '—');
const maxRt = (m: WorldMeasurement | undefined) => (m && m.roundTrips.length ? Math.max(...m.roundTrips) : undefined);
const all2xx = (m: WorldMeasurement | undefined) => !!m && m.statuses.length > 0 && m.statuses.every((s) => s >= 200 && s < 300);

interface Tally {
  pass: number;
  fail: number;
  failures: string[];
}

function count(tally: Tally, ok: boolean | undefined, what: string) {
  if (ok === undefined) return;
  if (ok) tally.pass++;
  else {
    tally.fail++;
    tally.failures.push(what);
  }
}

function routesSection(report: BenchReport, tally: Tally): string {
  const routes = report.routes ?? [];
  const raw = report.baseline;
  const rows = routes.map((r) => {
    const routeName = r.id;
    const mp = `${r.method} ${r.path}`;
    if (r.notMeasured) return [routeName, mp, r.kind, `not measured (${r.notMeasured})`, '', '', '', '', '', '', '', '', '', '', ''];
    const { small, large } = r;
    const ok2xx = all2xx(small) && all2xx(large);
    const errors = [...(small?.errors ?? []), ...(large?.errors ?? [])];
    const budget = r.kind === 'read' ? TARGETS.readRoundTrips : TARGETS.writeRoundTrips;
    const worst = Math.max(maxRt(small) ?? 0, maxRt(large) ?? 0);
    const rtOk = ok2xx ? worst <= budget : undefined;
    const equalOk = ok2xx ? rtRange(small) === rtRange(large) : undefined;
    const p50 = large ? percentile(large.latencies, 50) : NaN;
    const p99 = large ? percentile(large.latencies, 99) : NaN;
    // Reads: against GetItems timed between the requests (same machine load); writes: the run's baseline.
    const rawP50 = large?.rawLatencies.length ? percentile(large.rawLatencies, 50) : (raw?.p50 ?? NaN);
    const ratio = p50 / rawP50;
    const patternP50 = large?.patternLatencies.length ? percentile(large.patternLatencies, 50) : NaN;
    const patternRatio = p50 / patternP50;
    const latencyOk = r.kind === 'read' && ok2xx && Number.isFinite(patternRatio) ? patternRatio <= TARGETS.readP50VsPattern : undefined;
    const worstRru = large?.rru.length ? Math.max(...large.rru) : NaN;
    const returned = large?.itemsReturned.length ? Math.min(...large.itemsReturned) : NaN;
    const rruBudget = returned * TARGETS.rruPerItemPlus + 1;
    const rruOk = r.kind === 'read' && ok2xx && Number.isFinite(worstRru) ? worstRru <= rruBudget : undefined;
    count(tally, rtOk, `${r.id}: ${worst} round trips (budget ${budget})`);
    count(
      tally,
      equalOk,
      `${r.id}: round trips ${rtRange(small)} at ${report.rows.small} rows vs ${rtRange(large)} at ${report.rows.large}`,
    );
    count(
      tally,
      latencyOk,
      `${r.id}: read p50 ${formatMs(p50)} ms = ${patternRatio.toFixed(2)}× its own calls replayed raw (${large?.pattern ?? '?'}, p50 ${formatMs(patternP50)} ms)`,
    );
    count(tally, rruOk, `${r.id}: ${worstRru} RRU for ${returned} item(s) returned (budget ${rruBudget})`);
    if (!ok2xx)
      tally.failures.push(`${r.id}: measured on non-2xx answers (${[...new Set(errors)].join(', ')}): its figures are meaningless`);
    return [
      routeName,
      mp,
      r.kind,
      ok2xx ? 'yes' : `**NO** (${[...new Set(errors)].slice(0, 2).join(', ')})`,
      rtRange(small),
      rtRange(large),
      `${verdict(rtOk)} (≤${budget})`,
      verdict(equalOk),
      `${maxItems(small)} / ${maxItems(large)}`,
      formatMs(p50),
      formatMs(p99),
      r.kind === 'read' ? `${formatMs(rawP50)} ms: ${ratio.toFixed(2)}×` : `(${ratio.toFixed(1)}×)`,
      r.kind === 'read' && large?.pattern
        ? `${large.pattern}: ${formatMs(patternP50)} ms, ${patternRatio.toFixed(2)}× ${verdict(latencyOk)}`
        : '—',
      large?.rru.length ? `${worstRru} / ${Math.max(...large.wru)}${r.kind === 'read' ? ` (≤${rruBudget} ${verdict(rruOk)})` : ''}` : '—',
      large?.commands ?? '',
    ];
  });
  const measured = routes.filter((r) => !r.notMeasured).length;
  return [
    `## Routes (${measured} of ${routes.length} measured)`,
    '',
    raw
      ? `Raw GetItem on the same DynamoDB Local (bare client, ${raw.samples} sequential calls): **p50 ${formatMs(raw.p50)} ms, p99 ${formatMs(raw.p99)} ms**. ` +
        "Before each request of a read route, a raw GetItem (shown for information) and the route's own DynamoDB calls replayed raw with a DocumentClient (the same inputs, in the same turns: parallel within a turn) are timed; the route's p50 is compared with the p50 of that replay (target ≤ 1.15×; the machine is shared: both see the same load). " +
        'Request units: ReturnConsumedCapacity (TOTAL) of every command, turned on for the bench only; a read route may use at most 1 RRU per item returned + 1.' +
        (report.readFloor
          ? ` Floor of a read route that needs the caller's record and a list page: a raw GetItem and a raw Query of 25 items sent in parallel, p50 ${formatMs(report.readFloor.p50)} ms = ` +
            `**${(report.readFloor.p50 / raw.p50).toFixed(2)}× the raw GetItem** (DynamoDB Local and the client share the machine's CPUs, so parallel calls overlap only partly, and a Query of 25 costs more than a GetItem).`
          : '')
      : 'Raw GetItem baseline: not measured.',
    `Latency: through the handler in-process (local/router.ts dispatch, the middy stack, the SDK), ${report.iterations.read} requests per read route and ${report.iterations.write} per write route after warm-up, with ${report.rows.large} rows behind each list. ` +
      `Round trips: DynamoDB commands sent per request (BatchGet retries count), with ${report.rows.small} and with ${report.rows.large} rows behind each list. ` +
      `Writes prepare fresh preconditions before each request (not measured).`,
    '',
    table(
      [
        'route',
        'method path',
        'kind',
        '2xx',
        `RT @${report.rows.small}`,
        `RT @${report.rows.large}`,
        'RT budget',
        'RT equal',
        `items read @${report.rows.small} / @${report.rows.large}`,
        'p50 ms',
        'p99 ms',
        'GetItem p50 beside it; ratio (info)',
        'own calls raw, same turns: p50; ratio (read ≤1.15×)',
        'RRU / WRU per request (read ≤ items + 1)',
        'commands',
      ],
      rows,
    ),
  ].join('\n');
}

function fillsSection(report: BenchReport): string {
  if (!report.fills) return '';
  const byWhat = new Map<string, { small?: FillReport; large?: FillReport }>();
  for (const f of report.fills.small) byWhat.set(f.what, { ...byWhat.get(f.what), small: f });
  for (const f of report.fills.large) byWhat.set(f.what, { ...byWhat.get(f.what), large: f });
  const cell = (f?: FillReport) =>
    !f ? '—' : f.note ? `not filled (${f.note})` : `${f.written} rows (${f.templateRows}/copy) in ${(f.ms / 1000).toFixed(1)} s`;
  return [
    '### Bulk rows behind the lists',
    '',
    'Each list is filled by cloning the rows one entity made through the API (ids replaced), written with BatchWrite.',
    '',
    table(
      ['list', `small world (+${report.rows.small})`, `large world (+${report.rows.large})`],
      [...byWhat].map(([what, f]) => [what, cell(f.small), cell(f.large)]),
    ),
  ].join('\n');
}

function bundlesSection(report: BenchReport, tally: Tally): string {
  const bundles = report.bundles ?? [];
  const base = (id: string, mode: SdkMode) => bundles.find((b) => b.id === id)?.modes[mode];
  const shipped = SHIPPED_SDK_MODE;
  const sdkShipped = base(SDK_ID, shipped);
  const emptyShipped = base(EMPTY_ID, shipped);
  const cold = (m: ModeResult | undefined) => (m && !m.error ? formatMs(m.coldProcessMs ?? NaN) : m?.error ? 'error' : '—');
  const kb = (m: ModeResult | undefined) => (m && !m.error ? formatKb(m.bytes ?? 0) : '—');
  const coldFailures: string[] = [];
  const rows = bundles.map((b) => {
    const bundled = b.modes.bundled;
    const external = b.modes.external;
    const errors = SDK_MODES.map((m) => b.modes[m]?.error && `${m}: ${b.modes[m].error}`).filter(Boolean);
    if (errors.length)
      return [b.id, b.kind, b.entry.startsWith('/') ? '(generated)' : b.entry, `error: ${errors.join('; ')}`, '', '', '', '', '', ''];
    // The size target is on the service's own code: the bundle without the SDK.
    const ownKb = (external?.bytes ?? NaN) / 1024;
    const sizeOk = b.kind === 'baseline' ? undefined : ownKb <= TARGETS.bundleKb;
    count(tally, sizeOk, `${b.id}: bundle without the SDK ${ownKb.toFixed(1)} KB`);
    const vsSdk = sdkShipped?.coldProcessMs ? (b.coldProcessMs ?? NaN) / sdkShipped.coldProcessMs : NaN;
    const coldOk = b.kind === 'baseline' || !Number.isFinite(vsSdk) ? undefined : vsSdk <= TARGETS.coldVsSdk;
    count(tally, coldOk, `${b.id}: cold ${formatMs(b.coldProcessMs ?? NaN)} ms = ${vsSdk.toFixed(2)}× the DocumentClient-only handler`);
    if (coldOk === false) coldFailures.push(b.id);
    const vsEmpty = emptyShipped?.coldProcessMs ? (b.coldProcessMs ?? NaN) / emptyShipped.coldProcessMs : NaN;
    return [
      b.id,
      b.kind,
      b.entry.startsWith('/') ? '(generated)' : b.entry,
      kb(bundled),
      kb(external),
      verdict(sizeOk),
      cold(bundled),
      cold(external),
      `${vsSdk.toFixed(2)}× ${verdict(coldOk)}`,
      `${vsEmpty.toFixed(2)}×`,
    ];
  });
  // Both variants side by side over the functions (baselines excluded): the choice of infra/bundling.ts.
  const fns = bundles.filter((b) => b.kind !== 'baseline');
  const medianOf = (mode: SdkMode, key: 'coldProcessMs' | 'bytes') => {
    const values = fns
      .map((b) => b.modes[mode]?.[key])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? NaN;
  };
  const comparison = SDK_MODES.map((mode) => [
    mode === 'bundled' ? 'AWS SDK bundled (tree-shaken, minified)' : 'AWS SDK external (@aws-sdk/* from the runtime)',
    mode === shipped ? '**shipped**' : '',
    formatKb(medianOf(mode, 'bytes')),
    formatMs(medianOf(mode, 'coldProcessMs')),
    cold(base(SDK_ID, mode)),
    cold(base(EMPTY_ID, mode)),
  ]);
  return [
    '## Function bundles',
    '',
    'esbuild with the options of infra/bundling.ts, as infra/constructs/service-function.ts deploys them (ESM, minify, source map without sources, target node20, ' +
      'mainFields module,main, createRequire banner), each function twice: with the AWS SDK bundled and with `@aws-sdk/*` external (loaded from node_modules, as the Lambda runtime provides it). ' +
      "Size: the .mjs (the source map is a separate file). Cold: a fresh `node` process that imports the bundle and exits, with the functions' NODE_OPTIONS (`--enable-source-maps`) and " +
      'AWS_LAMBDA_FUNCTION_NAME set (so the configuration check at init runs), median of the runs, both variants run round-robin (wall time, process start included, as a Lambda init ' +
      "includes runtime start). Targets: the service's own code (the bundle without the SDK) ≤ " +
      `${TARGETS.bundleKb} KB; the cold start of the shipped variant ≤ ${TARGETS.coldVsSdk}× a handler that only constructs the DynamoDBDocumentClient, bundled the same way.`,
    '',
    table(['variant', '', 'median KB', 'median cold ms', 'DocumentClient only, cold ms', 'empty handler, cold ms'], comparison),
    '',
    ...(coldFailures.length ? [`Over ${TARGETS.coldVsSdk}× the DocumentClient-only handler: ${coldFailures.join(', ')}.`, ''] : []),
    table(
      [
        'function',
        'kind',
        'entry',
        'KB (SDK bundled)',
        'KB (SDK external)',
        `own code ≤${TARGETS.bundleKb} KB`,
        'cold ms (SDK bundled)',
        'cold ms (SDK external)',
        `shipped cold / DocumentClient only (≤${TARGETS.coldVsSdk}×)`,
        'shipped cold / empty',
      ],
      rows,
    ),
  ].join('\n');
}

function workflowSection(report: BenchReport, tally: Tally): string {
  const rows = (report.lifecycles ?? []).map((l) => {
    if (l.pending) return [l.name, `pending (${l.pending})`, '', '', ''];
    const isTarget = l.name.startsWith('request → approve → accept');
    const ok = isTarget ? (l.transitions ?? Infinity) <= TARGETS.lifecycleTransitions && l.status === 'SUCCEEDED' : undefined;
    count(tally, ok, `${l.name}: ${l.transitions} state transitions, ${l.status}`);
    return [
      l.name,
      String(l.transitions),
      l.status ?? '',
      (l.path ?? []).join(' → '),
      isTarget ? `${verdict(ok)} (≤${TARGETS.lifecycleTransitions})` : '—',
    ];
  });
  return [
    '## Workflow state transitions',
    '',
    "Counted from the local runner's event log (states entered, as Step Functions bills them), driving the synthesized state machine through the API." +
      (report.runnerNote ? ` ${report.runnerNote}` : ''),
    '',
    table(['lifecycle', 'transitions', 'execution', 'path', 'target'], rows),
  ].join('\n');
}

function jobSection(report: BenchReport, tally: Tally): string {
  const job = report.job;
  if (!job) return '';
  if (job.pending) return ['## Scheduled job', '', `Pending: ${job.pending}.`].join('\n');
  const baseline = job.runs[0];
  const rows = job.runs.map((run, i) => {
    const page = run.pageLimit ?? 0;
    const ok = i === 0 ? undefined : run.dueIndexItemsRead <= run.due + page;
    count(tally, ok, `job with ${run.undue} undue: ${run.dueIndexItemsRead} due-index items read for ${run.due} due (page ${page})`);
    return [
      run.label,
      String(run.due),
      String(run.undue),
      String(run.dueIndexItemsRead),
      String(run.itemsRead),
      String(run.roundTrips),
      formatMs(run.ms),
      run.pageLimit ? String(run.pageLimit) : '—',
      i === 0 ? '—' : `${verdict(ok)} (≤ ${run.due} + ${page}; ${baseline!.dueIndexItemsRead} without undue)`,
      run.result === undefined ? '' : JSON.stringify(run.result).slice(0, 80),
    ];
  });
  return [
    '## Scheduled job',
    '',
    `Run once per row with an injected \`now\`, in its own table. Items read: counted by the middleware from the responses (Query ScannedCount, GetItem/BatchGetItem items).` +
      (job.seeding
        ? ` Seeding the undue stages took ${(job.seeding.ms / 1000).toFixed(1)} s for ${job.seeding.items} items (BatchWrite, parallel).`
        : ''),
    ...job.notes.map((n) => `${n}.`),
    '',
    table(
      [
        'run',
        'due',
        'undue',
        'due-index items read',
        'all items read',
        'round trips',
        'ms',
        'page limit',
        'reads ≤ due + one page',
        'job result',
      ],
      rows,
    ),
  ].join('\n');
}

function costSection(report: BenchReport, tally: Tally): string {
  if (report.lifecycleUsd === undefined && !report.lifecycleMissing?.length) return '';
  const ok = report.lifecycleUsd === undefined ? undefined : report.lifecycleUsd <= TARGETS.lifecycleUsd;
  count(tally, ok, `full partnership lifecycle: $${report.lifecycleUsd?.toFixed(6) ?? '?'} (target ≤ $${TARGETS.lifecycleUsd})`);
  if (ok === undefined) tally.failures.push(`lifecycle cost not measured: ${(report.lifecycleMissing ?? []).join('; ')}`);
  return [
    '## Cost',
    '',
    `A full partnership lifecycle (request → approve → accept → 1 share → 10 logins → remove) at list prices: ` +
      `**$${report.lifecycleUsd?.toFixed(6) ?? '—'}** (target ≤ $${TARGETS.lifecycleUsd}: ${verdict(ok)}). Details, prices and the per-route and per-workspace figures: docs/COST.md.`,
  ].join('\n');
}

export function renderReport(report: BenchReport): string {
  const tally: Tally = { pass: 0, fail: 0, failures: [] };
  const sections = [
    report.routes ? routesSection(report, tally) : '',
    report.routes ? fillsSection(report) : '',
    report.bundles ? bundlesSection(report, tally) : '',
    report.lifecycles ? workflowSection(report, tally) : '',
    report.job ? jobSection(report, tally) : '',
    costSection(report, tally),
  ].filter(Boolean);
  const notMeasured = (report.routes ?? []).filter((r) => r.notMeasured);
  const header = [
    '# Performance',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${report.startedAt.toISOString()}${report.quick ? ' in QUICK mode (small sizes: not the reference figures)' : ''}; ` +
      `${(report.durationMs / 1000).toFixed(0)} s on ${report.machine}. All figures come from this one run on one machine against DynamoDB Local; ` +
      'they compare the service with itself and with a raw GetItem, not with DynamoDB in AWS. Do not edit by hand.',
    '',
    `**Targets: ${tally.pass} pass, ${tally.fail} fail${notMeasured.length ? `, ${notMeasured.length} route(s) not measured` : ''}.**`,
    ...(tally.failures.length ? ['', 'Failing or flagged:', '', ...tally.failures.map((f) => `- ${f}`)] : []),
    ...(report.notes.length ? ['', ...report.notes.map((n) => `- ${n}`)] : []),
  ];
  return [...header, '', ...sections.flatMap((s) => [s, ''])].join('\n');
}
