/**
 * Per function: the bundle CDK deploys (esbuild with the exact options of
 * infra/constructs/service-function.ts) and its cold import time in a fresh Node process, beside an
 * empty handler built the same way. Functions: one per route of the route table, plus every other
 * handler module under functions/ (workflow tasks, jobs, notifications, the not-found catch-all).
 */
import { build, type BuildOptions } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../local/router';
import type { RouteSpec } from '../shared/http/route';
import { median } from './stats';

/** Mirrors the `bundling` props of ServiceFunction (NodejsFunction's esbuild invocation). */
export const SERVICE_FUNCTION_ESBUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: true,
  sourcemap: true,
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  outExtension: { '.js': '.mjs' },
  logLevel: 'silent',
};

// Inside node_modules so that the bundles resolve the external @aws-sdk/* packages as in Lambda's runtime.
const OUT_DIR = resolve(REPO_ROOT, 'node_modules/.cache/bench-bundles');
const EMPTY_ENTRY = join(OUT_DIR, 'empty-handler.ts');
const SDK_ENTRY = join(OUT_DIR, 'sdk-handler.ts');
export const EMPTY_ID = '(empty handler)';
/**
 * Second baseline: a handler that only imports and constructs the DynamoDB document client (the SDK
 * is external, loaded from node_modules as Lambda's runtime provides it). Every function that talks to
 * DynamoDB pays at least this, so it is the floor of their cold start.
 */
export const SDK_ID = '(DynamoDBDocumentClient only)';

export interface FunctionEntry {
  id: string;
  entry: string;
  kind: 'route' | 'function' | 'baseline';
}

export interface BundleResult extends FunctionEntry {
  bytes?: number;
  /** Median wall time of `node import.mjs` (process start, import, exit). */
  coldProcessMs?: number;
  /** Median time of the dynamic import itself, measured inside that process. */
  coldImportMs?: number;
  error?: string;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Route entries from the route table, then every other module under functions/. */
export function discoverFunctions(routes: ReadonlyArray<RouteSpec<any, any, any>>): FunctionEntry[] {
  const entries: FunctionEntry[] = routes.map((r) => ({ id: r.id, entry: r.entry, kind: 'route' }));
  const routeEntries = new Set(routes.map((r) => r.entry));
  for (const file of listTs(resolve(REPO_ROOT, 'functions')).sort()) {
    const entry = relative(REPO_ROOT, file).split('\\').join('/');
    if (!routeEntries.has(entry)) entries.push({ id: entry.replace(/^functions\//, '').replace(/\.ts$/, ''), entry, kind: 'function' });
  }
  return entries;
}

function runNode(script: string): Promise<{ wallMs: number; importMs: number }> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script], {
      cwd: OUT_DIR,
      // A Lambda-like environment: config is read lazily, but module scope may read these.
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', POWERTOOLS_SERVICE_NAME: 'partnerships', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const importMs = Number(stdout.trim().split('\n').pop());
      if (code !== 0 || !Number.isFinite(importMs)) reject(new Error(`import failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      else resolveRun({ wallMs, importMs });
    });
  });
}

interface Built extends FunctionEntry {
  bytes?: number;
  script?: string;
  error?: string;
  runs: Array<{ wallMs: number; importMs: number }>;
}

async function buildOne(fn: FunctionEntry, index: number): Promise<Built> {
  const dir = join(OUT_DIR, String(index));
  mkdirSync(dir, { recursive: true });
  try {
    const outfile = join(dir, 'index.mjs');
    await build({ ...SERVICE_FUNCTION_ESBUILD, entryPoints: [fn.kind === 'baseline' ? fn.entry : resolve(REPO_ROOT, fn.entry)], outfile });
    const script = join(dir, 'import.mjs');
    writeFileSync(
      script,
      `const t = performance.now();\nconst m = await import(${JSON.stringify(pathToFileURL(outfile).href)});\n` +
        `if (typeof m.handler !== 'function') throw new Error('no handler export');\nconsole.log(performance.now() - t);\n`,
    );
    return { ...fn, bytes: statSync(outfile).size, script, runs: [] };
  } catch (error) {
    return { ...fn, error: (error as Error).message.split('\n')[0].slice(0, 200), runs: [] };
  }
}

export async function measureBundles(
  routes: ReadonlyArray<RouteSpec<any, any, any>>,
  coldRuns: number,
  log: (line: string) => void,
): Promise<BundleResult[]> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(EMPTY_ENTRY, 'export const handler = async () => ({ statusCode: 200, body: "" });\n');
  writeFileSync(
    SDK_ENTRY,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\n" +
      'const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => ({ statusCode: 200, body: String(!!client) });\n',
  );
  const functions: FunctionEntry[] = [
    { id: EMPTY_ID, entry: EMPTY_ENTRY, kind: 'baseline' },
    { id: SDK_ID, entry: SDK_ENTRY, kind: 'baseline' },
    ...discoverFunctions(routes),
  ];
  const built: Built[] = [];
  for (const [index, fn] of functions.entries()) built.push(await buildOne(fn, index));
  // Round-robin: run r imports every bundle once, so a burst of load on the shared machine hits all
  // functions and the baselines alike instead of a few of them.
  for (let r = 0; r < coldRuns; r++) {
    for (const b of built) {
      if (!b.script || b.error) continue;
      try {
        b.runs.push(await runNode(b.script));
      } catch (error) {
        b.error = (error as Error).message.slice(0, 200);
      }
    }
    log(`  cold-import round ${r + 1}/${coldRuns} done`);
  }
  return built.map(({ runs, script: _script, ...b }) => {
    const result: BundleResult = b.error
      ? { id: b.id, entry: b.entry, kind: b.kind, error: b.error }
      : { ...b, coldProcessMs: median(runs.map((x) => x.wallMs)), coldImportMs: median(runs.map((x) => x.importMs)) };
    log(`  ${b.id}: ${result.error ?? `${((result.bytes ?? 0) / 1024).toFixed(1)} KB, cold ${result.coldProcessMs?.toFixed(0)} ms (import ${result.coldImportMs?.toFixed(1)} ms)`}`);
    return result;
  });
}
