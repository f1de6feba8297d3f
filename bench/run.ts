/**
 * `npm run bench`: starts its own DynamoDB Local and table, builds fixture worlds through the API,
 * then measures per route (round trips at 10 and 10 000 rows, latency beside a raw GetItem), per
 * function (bundle size, cold import), the workflow's state transitions and the scheduled job; prints
 * the tables and writes docs/PERFORMANCE.md.
 *
 *   BENCH_QUICK=1 npm run bench              small sizes, for development (report not written)
 *   BENCH_ONLY=routes,bundles npm run bench  a subset of the sections
 *   BENCH_WRITE=1                            write docs/PERFORMANCE.md in quick mode too
 */
import './preamble';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../local/router';
import { routes } from '../shared/routes';
import { keys } from '../shared/store/keys';
import { measureBundles } from './bundles';
import { startEnvironment, type BenchEnvironment } from './environment';
import { World } from '../test/support/world';
import { measureJob } from './job';
import { renderReport, table, type BenchReport } from './report';
import { computeCosts, renderCost, type CostInputs } from './cost';
import { DEFAULT_MEMORY_MB } from '../infra/constructs/service-function';
import { measureRoutes, patternReplay, rawGetItem, rawGetItemBaseline, rawGetItemBesideQuery } from './routes';
import { fillLists } from './seed';
import { readSettings, SECTIONS } from './settings';
import { measureLifecycles, startRunner, type RunnerHandle } from './workflow';

const log = (line: string) => console.error(line);

async function main() {
  const settings = readSettings();
  const selected = settings.routeIds.size ? routes.filter((r) => settings.routeIds.has(r.id)) : routes;
  const unknown = [...settings.routeIds].filter((id) => !routes.some((r) => r.id === id));
  if (unknown.length) throw new Error(`BENCH_ONLY names no section nor route: ${unknown.join(', ')}`);
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date(),
    durationMs: 0,
    quick: settings.quick,
    machine: `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}`,
    rows: { small: settings.smallRows, large: settings.largeRows },
    iterations: { read: settings.readIterations, write: settings.writeIterations },
    notes: [],
  };

  // Bundles need no database: build them first, while the machine is quietest.
  if (settings.sections.has('bundles')) {
    log('bundles:');
    report.bundles = await measureBundles(routes, settings.coldRuns, log);
  }

  const needsDb = ['routes', 'workflow', 'job'].some((s) => settings.sections.has(s as any));
  let env: BenchEnvironment | undefined;
  let handle: RunnerHandle = {};
  try {
    if (needsDb) {
      log('starting DynamoDB Local...');
      env = await startEnvironment();
      handle = await startRunner();
      report.runnerNote = handle.runner ? `Runner ready in ${handle.readyMs} ms (synth included).` : `Runner pending: ${handle.pending}.`;
      if (!handle.runner)
        report.notes.push(`Workflow runner not available (${handle.pending}): partnership fixtures that need it are not measured.`);
    }
    if (env && (settings.sections.has('routes') || settings.sections.has('workflow'))) {
      const small = new World('small', handle.runner);
      const large = new World('large', handle.runner);
      if (settings.sections.has('routes')) {
        log(`fixtures: small world (+${settings.smallRows} rows per list)...`);
        await small.build();
        const smallFills = await fillLists(small, env, settings.smallRows, settings.seedParallelism);
        log(`fixtures: large world (+${settings.largeRows} rows per list)...`);
        const fillStarted = Date.now();
        await large.build();
        const largeFills = await fillLists(large, env, settings.largeRows, settings.seedParallelism);
        log(`  built in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`);
        report.fills = { small: smallFills, large: largeFills };
        const owner = await large.owner().catch(() => undefined);
        const timedGetItem = rawGetItem(env, owner ? keys.user(owner.userId) : { pk: 'none', sk: 'none' });
        report.baseline = await rawGetItemBaseline(timedGetItem, settings);
        log(`raw GetItem p50 ${report.baseline.p50.toFixed(2)} ms, p99 ${report.baseline.p99.toFixed(2)} ms`);
        const teamId = await large.team().catch(() => undefined);
        if (teamId && owner) {
          const list = { pk: keys.teamPartition(teamId), skFrom: keys.workItemPrefix, skTo: 'WI$' };
          report.readFloor = await rawGetItemBaseline(rawGetItemBesideQuery(env, keys.user(owner.userId), list), settings);
          log(`raw GetItem ∥ Query of 25 p50 ${report.readFloor.p50.toFixed(2)} ms`);
        }
        log('routes:');
        report.routes = await measureRoutes(selected, { small, large }, settings, log, timedGetItem, patternReplay(env));
      }
      if (settings.sections.has('workflow')) {
        log('workflow lifecycles...');
        report.lifecycles = await measureLifecycles(handle, small);
      }
    }
    if (env && settings.sections.has('job')) {
      log('scheduled job...');
      report.job = await measureJob(env, handle.runner, settings, log);
    }
  } finally {
    await handle.runner?.stop().catch(() => undefined);
    await env?.stop();
  }

  // Webhook delivery (SPEC §11): its own process and DynamoDB Local, after this one's stopped, so the two
  // loads do not share the machine. Its table (latency, cost per 1,000 events) goes into docs/COST.md.
  let webhookMarkdown: string | undefined;
  if (settings.sections.size === SECTIONS.length && settings.routeIds.size === 0) {
    log(`webhooks: ${settings.quick ? 100 : 1000} events to a local receiver...`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/webhooks.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...(settings.quick ? { BENCH_WEBHOOK_EVENTS: '100' } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    if (run.status === 0) webhookMarkdown = run.stdout;
    else log(`webhooks: the bench failed (exit ${String(run.status)}); see its output above`);
  }

  // The cost model (docs/COST.md) from the routes and lifecycles just measured.
  let costMarkdown: string | undefined;
  if (report.routes) {
    const inputs: CostInputs = {
      routes: report.routes,
      lifecycles: report.lifecycles,
      memoryMb: DEFAULT_MEMORY_MB,
      webhookMarkdown,
      generatedAt: report.startedAt,
      quick: settings.quick,
    };
    const { lifecycle } = computeCosts(inputs);
    report.lifecycleUsd = lifecycle.total;
    report.lifecycleMissing = lifecycle.missing;
    costMarkdown = renderCost(inputs, table);
  }

  report.durationMs = Date.now() - started;
  const markdown = renderReport(report);
  console.log(markdown);
  if (costMarkdown) console.log(costMarkdown);
  if (settings.writeReport) {
    writeFileSync(resolve(REPO_ROOT, 'docs/PERFORMANCE.md'), markdown);
    log('wrote docs/PERFORMANCE.md');
    if (costMarkdown && settings.sections.size === SECTIONS.length && settings.routeIds.size === 0) {
      writeFileSync(resolve(REPO_ROOT, 'docs/COST.md'), costMarkdown);
      log('wrote docs/COST.md');
    }
  } else {
    log('quick mode: docs/PERFORMANCE.md not written (BENCH_WRITE=1 to write it)');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
