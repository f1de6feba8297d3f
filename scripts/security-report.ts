/**
 * `npm run security:report`: runs the security suites (test/security, with DynamoDB Local, as
 * `npm test` does), collects their case counts (each suite writes reports/security/<suite>.json) and
 * vitest's JSON results, writes reports/security.json, and rewrites the README between
 * `<!-- security-figures:start -->` and `<!-- security-figures:end -->`. Exits non-zero when a test
 * failed (the figures are written anyway, with the failures). FUZZ_RUNS / FUZZ_SEED pass through.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { table } from '../bench/report';
import { replaceReadmeSection } from './readme-section';

const ROOT = resolve(import.meta.dirname, '..');
const REPORTS = resolve(ROOT, 'reports');
const SUITES_DIR = resolve(REPORTS, 'security');
const VITEST_JSON = resolve(REPORTS, 'security-vitest.json');

type Counts = Record<string, number>;
interface SuiteFile {
  suite: string;
  counts: Counts;
  notes: string[];
}

async function runVitest(): Promise<{ code: number; seconds: number }> {
  rmSync(SUITES_DIR, { recursive: true, force: true });
  rmSync(VITEST_JSON, { force: true });
  mkdirSync(REPORTS, { recursive: true });
  const started = performance.now();
  const code = await new Promise<number>((done) => {
    const child = spawn(
      process.execPath,
      [
        resolve(ROOT, 'node_modules/vitest/vitest.mjs'),
        'run',
        'test/security',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${VITEST_JSON}`,
      ],
      { cwd: ROOT, stdio: 'inherit', env: process.env },
    );
    child.on('exit', (exitCode) => done(exitCode ?? 1));
  });
  return { code, seconds: (performance.now() - started) / 1000 };
}

function readSuites(): Record<string, SuiteFile> {
  const suites: Record<string, SuiteFile> = {};
  if (!existsSync(SUITES_DIR)) return suites;
  for (const file of readdirSync(SUITES_DIR).filter((f) => f.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(resolve(SUITES_DIR, file), 'utf8')) as SuiteFile;
    suites[data.suite] = data;
  }
  return suites;
}

interface VitestSummary {
  tests: number;
  passed: number;
  failed: number;
  files: Array<{ file: string; seconds: number; failed: number }>;
  failures: string[];
}

function readVitest(): VitestSummary {
  if (!existsSync(VITEST_JSON)) return { tests: 0, passed: 0, failed: 0, files: [], failures: ['vitest wrote no JSON report'] };
  const json = JSON.parse(readFileSync(VITEST_JSON, 'utf8'));
  const files = (json.testResults ?? []).map((r: any) => ({
    file: String(r.name).replace(`${ROOT}/`, ''),
    // The tests' own durations (the file's fixtures in beforeAll excluded).
    seconds:
      Math.round((r.assertionResults ?? []).reduce((sum: number, a: { duration?: number }) => sum + (a.duration ?? 0), 0) / 100) / 10,
    failed: (r.assertionResults ?? []).filter((a: any) => a.status === 'failed').length,
  }));
  const failures = (json.testResults ?? []).flatMap((r: any) =>
    (r.assertionResults ?? [])
      .filter((a: any) => a.status === 'failed')
      .map((a: any) => `${String(r.name).replace(`${ROOT}/`, '')} > ${a.fullName}`),
  );
  return { tests: json.numTotalTests ?? 0, passed: json.numPassedTests ?? 0, failed: json.numFailedTests ?? 0, files, failures };
}

const n = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');

/** Per suite (its counts come from reports/security/<suite>.json): what it tries, and its cases. */
const SUITE_ROWS: Array<{ suite: string; title: string; what: string; cases: (c: Counts) => string }> = [
  {
    suite: 'tenant-isolation',
    title: 'Tenant isolation',
    what: "every route × 13 roles of another tenant (owner … no token) on the victim's objects; same answer as for an unknown id; the victim's own request succeeds",
    cases: (c) =>
      `${n(c.routes)} routes, ${n(c.matrixCells)} cells, ${n(c.oracleChecks)} oracle checks, ${n(c.controls)} controls, ${n(c.crossReferenceCases)} cross-references`,
  },
  {
    suite: 'tokens',
    title: 'Tokens (HTTP)',
    what: 'missing, malformed, expired, not yet valid, wrong iss/aud, alg none, HS256 with the public key, foreign keys... on every route; removed members and partners',
    cases: (c) => `${n(c.tokenKinds)} kinds, ${n(c.tokenCases)} requests, ${n(c.removedUserCases)} removed-user requests`,
  },
  {
    suite: 'mass-assignment',
    title: 'Mass assignment',
    what: 'every write route: a valid body plus privileged fields (role, status, owner, keys...), one by one, together, nested, `__proto__`',
    cases: (c) => `${n(c.cases)} requests, ${n(c.controls)} controls`,
  },
  {
    suite: 'fuzz',
    title: 'Fuzz (fast-check)',
    what: 'bodies, path parameters, query strings and headers, invalid by construction (checked with the route schemas)',
    cases: (c) => `${n(c.fixedCases)} fixed + ${n(c.randomCases)} random (FUZZ_RUNS=${n(c.fuzzRunsPerRoute)} per route)`,
  },
  {
    suite: 'concurrency',
    title: 'Concurrency',
    what: 'conflicting decisions in every stage, idempotent and duplicate creates, partner invitations, share/revoke/login',
    cases: (c) => `${n(c.races)} races`,
  },
  {
    suite: 'faults',
    title: 'Faults',
    what: 'failing workflow resumes, a crash between decision and resume, DynamoDB throttling (transient, persistent, mid-decision), unprocessed keys',
    cases: (c) => `${n(c.faults)} scenarios`,
  },
];

function readmeSection(suites: Record<string, SuiteFile>, vitest: VitestSummary, seconds: number): string {
  const result = (suite: string) => {
    const file = vitest.files.find((f) => f.file.endsWith(`${suite}.test.ts`));
    if (!file) return 'not run';
    return file.failed ? `**${file.failed} failed**` : `passed (tests ${file.seconds} s)`;
  };
  const total = (key: string) => Object.values(suites).reduce((sum, s) => sum + (s.counts[key] ?? 0), 0);
  const rows = SUITE_ROWS.map(({ suite, title, what, cases }) => [title, what, cases(suites[suite]?.counts ?? {}), result(suite)]);
  const lines = [
    `Security and reliability suites (\`test/security\`, part of \`npm test\`), run ${new Date().toISOString().slice(0, 10)}:`,
    `${n(vitest.passed)} of ${n(vitest.tests)} tests passed in ${seconds.toFixed(0)} s.`,
    '',
    table(['Suite', 'What', 'Cases', 'Result'], rows),
    '',
    `Across all suites: **${n(total('fiveXx'))}** 5xx outside the injected faults, **${n(total('leaks'))}** responses naming another tenant's ids, **${n(total('stateChanges'))}** refused requests that changed state, **${n(total('formatProblems'))}** errors outside the spec's format, **${n(total('oracleMismatches'))}** answers revealing that another tenant's object exists (it got another answer than an unknown id).`,
    '',
    'Rerun and regenerate this table: `npm run security:report` (details in `reports/security.json`; `FUZZ_RUNS=200` for a longer fuzz, `FUZZ_SEED` to replay one).',
  ];
  if (vitest.failures.length) lines.push('', 'Failing:', ...vitest.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

const { code, seconds } = await runVitest();
const suites = readSuites();
const vitest = readVitest();
const report = {
  generatedAt: new Date().toISOString(),
  command: 'npm run security:report',
  seconds: Math.round(seconds * 10) / 10,
  fuzzRuns: suites.fuzz?.counts.fuzzRunsPerRoute,
  vitest,
  suites,
};
writeFileSync(resolve(REPORTS, 'security.json'), `${JSON.stringify(report, null, 2)}\n`);
replaceReadmeSection('security-figures', readmeSection(suites, vitest, seconds));
console.log(`\nreports/security.json and README.md updated (${vitest.passed}/${vitest.tests} passed, ${seconds.toFixed(0)} s).`);
process.exit(code === 0 && vitest.failed === 0 ? 0 : 1);
