/**
 * Bench sizes. BENCH_QUICK=1 for development (small iteration counts and bulk sizes); the full run
 * uses the sizes the report's targets are stated for. BENCH_ONLY=routes,bundles,workflow,job runs a
 * subset of the sections; route ids in it (BENCH_ONLY=getMe,listWorkItems) measure only those routes
 * (and imply the routes section when no section is named).
 */
const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
const int = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};

export const SECTIONS = ['routes', 'bundles', 'workflow', 'job'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchSettings {
  quick: boolean;
  sections: Set<Section>;
  /** Route ids named in BENCH_ONLY (empty: every route). */
  routeIds: Set<string>;
  /** Rows behind each list in the small and the large world. */
  smallRows: number;
  largeRows: number;
  /** Timed requests per route (after warm-up). */
  readIterations: number;
  writeIterations: number;
  warmup: number;
  /** Raw GetItem calls for the baseline. */
  rawGetItems: number;
  /** Cold-import runs per bundle (median reported). */
  coldRuns: number;
  /** Scheduled job: due and undue pending stages. */
  jobDue: number;
  jobUndue: number;
  /** Parallel BatchWrite requests while seeding. */
  seedParallelism: number;
  /** Write docs/PERFORMANCE.md (off in quick mode unless BENCH_WRITE=1). */
  writeReport: boolean;
}

export function readSettings(): BenchSettings {
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const isSection = (s: string): s is Section => (SECTIONS as readonly string[]).includes(s);
  const sections = only.filter(isSection);
  const routeIds = only.filter((s) => !isSection(s));
  return {
    quick,
    sections: new Set(only.length ? (sections.length ? sections : ['routes' as const]) : SECTIONS),
    routeIds: new Set(routeIds),
    smallRows: 10,
    largeRows: int('BENCH_LARGE_ROWS', quick ? 300 : 10_000),
    readIterations: int('BENCH_READ_ITERATIONS', quick ? 20 : 200),
    writeIterations: int('BENCH_WRITE_ITERATIONS', quick ? 5 : 40),
    warmup: quick ? 3 : 10,
    rawGetItems: int('BENCH_RAW_GETITEMS', quick ? 100 : 1000),
    coldRuns: int('BENCH_COLD_RUNS', quick ? 2 : 5),
    jobDue: int('BENCH_JOB_DUE', quick ? 20 : 100),
    jobUndue: int('BENCH_JOB_UNDUE', quick ? 1_000 : 100_000),
    seedParallelism: int('BENCH_SEED_PARALLELISM', 6),
    writeReport: !quick || process.env.BENCH_WRITE === '1',
  };
}
