/**
 * The scheduled reminder/expiry job (shared/features/jobs/reminder-job.ts), run once with an injected
 * `now`: items read (via the counting middleware) and time per run, with `due` pending stages due
 * and then again with `undue` more that are not due yet. Runs in its own table so the route fixtures'
 * pending stages do not count.
 *
 * Due stages: a partnership requested through the API (awaiting host approval) cloned `due` times;
 * `now` is set just past its first 3-day reminder. Undue stages: clones of its due-index
 * row with gsi2sk = "<future ISO>#PARTNERSHIP#<id>", seeded directly with BatchWrite.
 *
 * Recertification (SPEC §10), in a table of its own: an active partnership with a 30-day term made
 * through the API, its rows cloned `due` times with the due key at its round's opensAt (`now` an hour
 * later: every round is due to open), then again beside `undue` active partnerships whose due time is
 * in the future (their item cloned, as the undue stages are).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTable } from '../local/dynamodb';
import { REPO_ROOT } from '../local/router';
import { resetConfigForTests } from '../shared/config';
import { measure, type CommandRecord } from './dynamo-counter';
import type { BenchEnvironment } from './environment';
import { scanAll } from '../test/support/table';
import { World } from '../test/support/world';
import { batchWriteAll, cloneRows, rowsOwnedBy, type Row } from './seed';
import type { BenchSettings } from './settings';
import type { Runner } from './workflow';

const JOB_MODULE = 'shared/features/jobs/reminder-job.ts';
const JOB_TABLE = 'bench_job';
const TERMS_TABLE = 'bench_job_terms';

export interface JobRun {
  label: string;
  due: number;
  undue: number;
  ms: number;
  roundTrips: number;
  /** Items read by the due-index Query (gsi2) pages. */
  dueIndexItemsRead: number;
  /** Items read by every command of the run (due index + processors' reads). */
  itemsRead: number;
  pageLimit?: number;
  result?: unknown;
}

export interface JobResult {
  pending?: string;
  runs: JobRun[];
  seeding?: { items: number; ms: number };
  notes: string[];
}

type JobFn = (now: Date) => Promise<unknown>;

/** Finds the exported run-once function and adapts its `now` parameter (a Date or `{ now }`). */
async function loadJob(): Promise<JobFn | string> {
  if (!existsSync(resolve(REPO_ROOT, JOB_MODULE))) return `${JOB_MODULE} not written yet`;
  const mod: Record<string, unknown> = await import(pathToFileURL(resolve(REPO_ROOT, JOB_MODULE)).href);
  const preferred = ['runReminderJob', 'runReminders', 'runJob', 'runOnce', 'run', 'reminderJob'];
  const name =
    preferred.find((n) => typeof mod[n] === 'function') ?? Object.keys(mod).find((n) => typeof mod[n] === 'function' && /run|job/i.test(n));
  if (!name) return `${JOB_MODULE} exports no run function yet`;
  const fn = mod[name] as (...args: any[]) => Promise<unknown>;
  const takesObject = /^\s*(async\s*)?(function\s*\w*\s*)?\(\s*\{/.test(String(fn));
  return (now: Date) => (takesObject ? fn({ now }) : fn(now));
}

const DUE_INDEX = 'gsi2';
const REMINDER_AFTER_MS = 3 * 24 * 3600 * 1000;

async function runJob(job: JobFn, label: string, now: Date, due: number, undue: number): Promise<JobRun> {
  const measured = await measure(() => job(now));
  const dueQueries = measured.commands.filter((c: CommandRecord) => c.name === 'QueryCommand' && c.index === DUE_INDEX);
  return {
    label,
    due,
    undue,
    ms: measured.ms,
    roundTrips: measured.roundTrips,
    dueIndexItemsRead: dueQueries.reduce((n, c) => n + c.itemsRead, 0),
    itemsRead: measured.itemsRead,
    pageLimit: dueQueries.find((c) => c.limit)?.limit,
    result: measured.value,
  };
}

export async function measureJob(
  env: BenchEnvironment,
  runner: Runner | undefined,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<JobResult> {
  const job = await loadJob();
  if (typeof job === 'string') return { pending: job, runs: [], notes: [] };
  const notes: string[] = [];
  const previousTable = process.env.TABLE_NAME;
  await ensureTable(env.endpoint, JOB_TABLE);
  process.env.TABLE_NAME = JOB_TABLE;
  resetConfigForTests();
  try {
    const world = new World('job', runner);
    const { partnershipId } = await world.requestPartnership('member', 'job-guest');
    const table = await scanAll(env.raw, JOB_TABLE);
    const template = rowsOwnedBy(table, partnershipId);
    const dueRow = template.find((r) => r.gsi2pk === 'DUE');
    if (!dueRow) return { pending: 'a requested partnership carries no due-index (gsi2pk = "DUE") row yet', runs: [], notes };
    // Just past the stage's first 3-day reminder: every stage cloned from it is due (reminder).
    const stageStart = String(dueRow.stageEnteredAt ?? dueRow.createdAt ?? String(dueRow.gsi2sk).split('#')[0]);
    const now = new Date(Date.parse(stageStart) + REMINDER_AFTER_MS + 60 * 60 * 1000);
    notes.push(`now = ${now.toISOString()} (3 days and 1 hour after the stage began, ${stageStart}: its first reminder is due)`);

    // Run 1: `due` stages due (the template + clones), nothing else pending.
    await batchWriteAll(env.raw, JOB_TABLE, cloneRows(template, [partnershipId], settings.jobDue - 1, 'jd'), settings.seedParallelism);
    const dueOnly = await runJob(job, `${settings.jobDue} due`, now, settings.jobDue, 0);
    const runs: JobRun[] = [dueOnly];
    log(`  job: ${dueOnly.label}: ${dueOnly.dueIndexItemsRead} due-index items read, ${dueOnly.ms.toFixed(0)} ms`);

    // Run 2: another `due` stages due, plus `undue` whose due time is in the future.
    await batchWriteAll(env.raw, JOB_TABLE, cloneRows(template, [partnershipId], settings.jobDue, 'je'), settings.seedParallelism);
    const future = (i: number) => new Date(now.getTime() + 24 * 3600 * 1000 + i * 1000).toISOString();
    const undueRows = function* (): Generator<Row> {
      let i = 0;
      for (const row of cloneRows([dueRow], [partnershipId], settings.jobUndue, 'ju')) {
        yield { ...row, gsi2sk: `${future(i++)}#PARTNERSHIP#${String(row.gsi2sk).split('#').pop()}` };
      }
    };
    log(`  job: seeding ${settings.jobUndue} undue stages...`);
    const seeding = await batchWriteAll(env.raw, JOB_TABLE, undueRows(), settings.seedParallelism);
    log(`  job: seeded ${seeding.items} in ${(seeding.ms / 1000).toFixed(1)} s`);
    const withUndue = await runJob(job, `${settings.jobDue} due + ${settings.jobUndue} undue`, now, settings.jobDue, settings.jobUndue);
    runs.push(withUndue);
    log(`  job: ${withUndue.label}: ${withUndue.dueIndexItemsRead} due-index items read, ${withUndue.ms.toFixed(0)} ms`);
    runs.push(...(await measureRecertification(env, runner, settings, job, log, notes)));
    return { runs, seeding, notes };
  } catch (error) {
    return { pending: `job bench failed: ${(error as Error).message.split('\n')[0]!.slice(0, 200)}`, runs: [], notes };
  } finally {
    process.env.TABLE_NAME = previousTable;
    resetConfigForTests();
  }
}

const ROUND_OPENS_BEFORE_MS = 14 * 24 * 3600 * 1000;

/**
 * SPEC §10: rounds due to open, alone and beside `undue` active partnerships with a term that are not
 * due (the job must read only what is due: at most the due ones plus one page).
 */
async function measureRecertification(
  env: BenchEnvironment,
  runner: Runner | undefined,
  settings: BenchSettings,
  job: JobFn,
  log: (line: string) => void,
  notes: string[],
): Promise<JobRun[]> {
  await ensureTable(env.endpoint, TERMS_TABLE);
  process.env.TABLE_NAME = TERMS_TABLE;
  resetConfigForTests();
  const world = new World('terms', runner);
  const { partnershipId } = await world.termed(30);
  const template = rowsOwnedBy(await scanAll(env.raw, TERMS_TABLE), partnershipId);
  const item = template.find((r) => r.type === 'PARTNERSHIP');
  const endsAt: unknown = item?.term?.endsAt;
  if (!item || typeof endsAt !== 'string') throw new Error('the termed partnership has no term');
  const opensAt = new Date(Date.parse(endsAt) - ROUND_OPENS_BEFORE_MS).toISOString();
  const now = new Date(Date.parse(opensAt) + 60 * 60 * 1000);
  notes.push(
    `recertification: now = ${now.toISOString()} (an hour after the rounds' opensAt, ${opensAt}: every cloned round is due to open)`,
  );
  // The template's own item is due at its opensAt too (its first due time was the 10-minute token check).
  const dueTemplate = template.map((r) => (r === item ? { ...r, gsi2sk: `${opensAt}#PARTNERSHIP#${partnershipId}` } : r));
  await batchWriteAll(env.raw, TERMS_TABLE, [dueTemplate.find((r) => r.type === 'PARTNERSHIP') ?? item], settings.seedParallelism);
  await batchWriteAll(env.raw, TERMS_TABLE, cloneRows(dueTemplate, [partnershipId], settings.jobDue - 1, 'td'), settings.seedParallelism);
  const label = (undue: number) => `recertification: ${settings.jobDue} rounds due${undue ? ` + ${undue} active not due` : ''}`;
  const alone = await runJob(job, label(0), now, settings.jobDue, 0);
  log(`  job: ${alone.label}: ${alone.dueIndexItemsRead} due-index items read, ${alone.ms.toFixed(0)} ms`);

  await batchWriteAll(env.raw, TERMS_TABLE, cloneRows(dueTemplate, [partnershipId], settings.jobDue, 'te'), settings.seedParallelism);
  const dueItem = dueTemplate.find((r) => r.type === 'PARTNERSHIP') ?? item;
  const future = (i: number) => new Date(now.getTime() + 24 * 3600 * 1000 + i * 1000).toISOString();
  const undueRows = function* (): Generator<Row> {
    let i = 0;
    for (const row of cloneRows([dueItem], [partnershipId], settings.jobUndue, 'tu')) {
      yield { ...row, gsi2sk: `${future(i++)}#PARTNERSHIP#${String(row.gsi2sk).split('#').pop()}` };
    }
  };
  log(`  job: seeding ${settings.jobUndue} active partnerships not due...`);
  const seeding = await batchWriteAll(env.raw, TERMS_TABLE, undueRows(), settings.seedParallelism);
  notes.push(`recertification: seeding ${seeding.items} active partnerships not due took ${(seeding.ms / 1000).toFixed(1)} s`);
  const withUndue = await runJob(job, label(settings.jobUndue), now, settings.jobDue, settings.jobUndue);
  log(`  job: ${withUndue.label}: ${withUndue.dueIndexItemsRead} due-index items read, ${withUndue.ms.toFixed(0)} ms`);
  return [alone, withUndue];
}
