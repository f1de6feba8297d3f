/** The run's figures: totals, the tables printed and written to docs/LOAD.md and the README. */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { table } from '../../bench/report';
import { formatMs, percentile } from '../../bench/stats';
import type { CpuShares } from './cpu';
import { answered, sum, type KindResult, type MixResult, type RouteTally } from './run';
import type { KindPlan } from './scenarios';
import type { LoadWorld } from './seed';
import { settings, type KindName } from './settings';

const int = (n: number) => n.toLocaleString('en-US');

export type Totals = Omit<KindResult, 'name' | 'abandoned'>;

export function totalsOf({ kinds, routes }: MixResult): Totals {
  const latencies = routes.flatMap((route) => route.latencies);
  return {
    connections: sum(kinds, (k) => k.connections),
    requests: sum(kinds, (k) => k.requests),
    rps: sum(kinds, (k) => k.rps),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: sum(kinds, (k) => k.non2xx),
    errors: sum(kinds, (k) => k.errors),
    timeouts: sum(kinds, (k) => k.timeouts),
    starved: sum(kinds, (k) => k.starved),
  };
}

function kindTable(kinds: KindResult[], totals: Totals): string {
  const rows = kinds.map((k) => [
    k.name,
    String(k.connections),
    int(k.requests),
    k.rps.toFixed(1),
    formatMs(k.p50),
    formatMs(k.p99),
    int(k.non2xx),
    int(k.errors),
  ]);
  rows.push([
    '**total**',
    String(totals.connections),
    `**${int(totals.requests)}**`,
    `**${totals.rps.toFixed(1)}**`,
    formatMs(totals.p50),
    formatMs(totals.p99),
    `**${int(totals.non2xx)}**`,
    `**${int(totals.errors)}**`,
  ]);
  return table(['kind', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], rows);
}

function routeTable(routes: RouteTally[]): string {
  const rows = routes.map((r) => {
    const statuses = [...r.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${int(n)}`)
      .join(', ');
    return [
      r.kind,
      `\`${r.route}\``,
      int(answered(r)),
      statuses || '—',
      formatMs(percentile(r.latencies, 50)),
      formatMs(percentile(r.latencies, 99)),
    ];
  });
  return table(['kind', 'route', 'answered', 'statuses', 'p50 ms', 'p99 ms'], rows);
}

export interface Report {
  startedAt: Date;
  machine: { nproc: string; cpu: string; memoryGb: number; node: string; autocannon: string };
  target: string;
  split: Record<KindName, number>;
  world: LoadWorld;
  measured: MixResult;
  totals: Totals;
  cpu?: CpuShares;
  loadBefore: number[];
  loadAfter: number[];
  serverErrorLines: number;
  plans: KindPlan[];
}

export function nproc(): string {
  const result = spawnSync('nproc', { encoding: 'utf8' });
  return result.stdout?.trim() || String(cpus().length);
}

function conditions(report: Report): string[] {
  const lines = [
    `Load average (1/5/15 min) before the measured run: ${report.loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${report.loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`,
  ];
  const cpu = report.cpu;
  if (cpu) {
    const parts = [
      cpu.server !== undefined ? `service process ${cpu.server.toFixed(0)} %` : undefined,
      cpu.jvm !== undefined ? `DynamoDB Local (JVM) ${cpu.jvm.toFixed(0)} %` : undefined,
      `load generator ${cpu.loadGenerator.toFixed(0)} %`,
    ].filter(Boolean);
    lines.push(`CPU during the measured run, in % of one core: ${parts.join(', ')}.`);
    if (cpu.machineBusy !== undefined && cpu.others !== undefined) {
      const others =
        cpu.server !== undefined
          ? 'processes other than these three (other work on the shared machine, e.g. test runs)'
          : 'processes other than the load generator (the service among them)';
      lines.push(
        `The machine (all ${report.machine.nproc} cores) was ${cpu.machineBusy.toFixed(0)} % busy; ${others} used ${cpu.others.toFixed(0)} % of it.`,
      );
    }
  }
  return lines;
}

/** Connections that found every exclusive slot held or set aside after failed passes (exit code 1). */
export function starvedNote(kinds: KindResult[]): string {
  if (!kinds.some((k) => k.starved)) return '';
  return `Connections left without a slot, at most at once (failed passes used up the spares; such a connection sends GET /local/health, not counted, until a slot comes back): ${kinds.map((k) => `${k.name} ${k.starved}`).join(', ')}.`;
}

export function renderDoc(report: Report): string {
  const { measured, totals, world } = report;
  const ok = totals.errors === 0 && totals.non2xx === 0 && totals.starved === 0;
  const unexpected = measured.unexpected.length
    ? [
        `${int(measured.unexpectedCount)} unexpected responses; the first ${measured.unexpected.length}:`,
        '',
        ...measured.unexpected.map((u) => `- \`${u.route}\` ${u.status}: \`${u.body.replace(/`/g, "'")}\``),
      ].join('\n')
    : 'None: every response had the status its step expects.';
  return `# Load test

Generated by \`npm run load\` (scripts/load/) on ${report.startedAt.toISOString()}. Do not edit by hand.

**${ok ? 'Zero errors and zero non-2xx responses.' : `${int(totals.errors)} errors and ${int(totals.non2xx)} non-2xx responses${totals.starved ? `; ${totals.starved} connections left without a slot` : ''}.`}**

- Machine: \`nproc\` = ${report.machine.nproc} (${report.machine.cpu}), ${report.machine.memoryGb} GB RAM, Node ${report.machine.node}, autocannon ${report.machine.autocannon}.
- Target: ${report.target}.
- Settings: ${totals.connections} connections (reads ${report.split.reads}, writes ${report.split.writes}, decisions ${report.split.decisions}) for ${settings.duration} s, pipelining 1, request timeout ${settings.timeout} s${settings.warmup ? `, after an unmeasured ${settings.warmup} s warm-up with the same mix` : ''}. Three autocannon instances run at once, one per kind.

## Results

${kindTable(measured.kinds, totals)}

req/s is responses per second of the run. Latency is measured by the script's hooks, from building a request to its response (all statuses); a kind's p50/p99 are over its routes' responses, the total row's over all responses. Errors are socket errors and timeouts (${int(totals.timeouts)} timeouts).

### Per route

${routeTable(measured.routes)}

### Unexpected responses

${unexpected}
${measured.kinds.some((k) => k.abandoned) ? `\nPasses abandoned after a failed step: ${measured.kinds.map((k) => `${k.name} ${k.abandoned}`).join(', ')}.\n` : ''}${totals.starved ? `\n${starvedNote(measured.kinds)}\n` : ''}${report.serverErrorLines ? `\nThe service logged ${report.serverErrorLines} "local server error" lines.\n` : ''}
## Conditions

The service is one Node.js process (the local HTTP server, every handler, the state machine runner) plus DynamoDB Local in a JVM, on the same ${report.machine.nproc}-core machine as the load generator, so the three compete for the cores: these are figures of the local runtime, not of Lambda and DynamoDB in AWS. Other work may share the machine (this repository is developed by several helpers in parallel, who run tests); the figures below say how busy it was.

${conditions(report)
  .map((l) => `- ${l}`)
  .join('\n')}

## The mix

${report.plans.map((p) => `- **${p.name}** (${report.split[p.name]} connections): ${p.description}`).join('\n')}

Each connection sends its kind's steps in order, waits for each response, and starts again. A step that depends on an earlier one (the work item to patch, the partnership to decide) uses the id from that response; when a step fails, that pass is abandoned and its objects are never used again, so one failure cannot cause others.

Seeded through the public API before the run (${world.apiCalls} calls, ${(world.ms / 1000).toFixed(1)} s):

${world.seeded.map((s) => `- ${s}`).join('\n')}

Run again: \`npm run load\` (settings: \`LOAD_CONNECTIONS\`, \`LOAD_DURATION\`, \`LOAD_WARMUP\`, \`LOAD_TIMEOUT\`, \`LOAD_PORT\`; \`LOAD_URL=http://host:port\` targets a running local service; \`LOAD_WRITE_DOCS=0\` leaves this file and README.md alone).
`;
}

export function renderReadme(report: Report): string {
  const { measured, totals } = report;
  const rows = measured.kinds.map((k) => [k.name, k.rps.toFixed(0), formatMs(k.p50), formatMs(k.p99), int(k.non2xx), int(k.errors)]);
  rows.push(['total', totals.rps.toFixed(0), formatMs(totals.p50), formatMs(totals.p99), int(totals.non2xx), int(totals.errors)]);
  return `Load, local runtime (\`npm run load\`: ${totals.connections} connections for ${settings.duration} s, ${report.machine.nproc} cores, Node ${report.machine.node}, ${report.startedAt.toISOString().slice(0, 10)}; details and conditions in [docs/LOAD.md](docs/LOAD.md)):

${table(['kind', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], rows)}`;
}

export function printSummary(report: Report) {
  const { measured } = report;
  console.log(`\n${kindTable(measured.kinds, report.totals)}\n`);
  for (const line of [starvedNote(measured.kinds), ...conditions(report)].filter(Boolean)) console.log(line);
  if (measured.unexpected.length) {
    console.log(`\n${measured.unexpectedCount} unexpected responses, e.g.:`);
    for (const u of measured.unexpected.slice(0, 10)) console.log(`  ${u.route} ${u.status} ${u.body}`);
  }
}
