/**
 * `npm run load`: a load test of the local service over HTTP with autocannon.
 *
 * Starts the service in a child process (what `npm start` runs, on LOAD_PORT, default 3300) and stops
 * it at the end (DynamoDB Local's JVM too), or targets a running one when LOAD_URL is set. Seeds data
 * through the public API (seed.ts), then runs three autocannon instances at once that share the
 * connection budget (run.ts): reads, writes, and decisions (scenarios.ts). Every request of the mix
 * is valid by construction: each writing connection works on its own objects, so any non-2xx is a
 * finding, never an expected race. Prints the figures and writes docs/LOAD.md and the README's
 * load-figures section (report.ts).
 *
 * Settings: settings.ts. Exit code 1 when a request failed (socket error, timeout) or answered
 * non-2xx, or when a connection was left without objects of its own (failed passes used up the spares).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { replaceReadmeSection } from '../readme-section';
import { cpuShares, cpuSnapshot } from './cpu';
import { nproc, printSummary, renderDoc, renderReadme, starvedNote, totalsOf, type Report } from './report';
import { runMix } from './run';
import { buildPlans } from './scenarios';
import { seed } from './seed';
import { startService, waitHealthy, type Target } from './service';
import { ROOT, settings, splitConnections, type KindName } from './settings';

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

  console.log(
    `load: ${settings.connections} connections (reads ${split.reads}, writes ${split.writes}, decisions ${split.decisions}) for ${settings.duration} s...`,
  );
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
      cpu: cpus()[0]?.model?.trim() ?? 'unknown CPU',
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
