/**
 * Per function: the bundle CDK deploys (esbuild with the options of infra/bundling.ts, which
 * infra/constructs/service-function.ts uses) and its cold import time in a fresh Node process, beside
 * an empty handler built the same way. Each function is built twice: with the AWS SDK bundled
 * (tree-shaken, minified) and with `@aws-sdk/*` left external (loaded from node_modules, as the
 * Lambda runtime would provide it); the flat fields of a result are those of the variant that ships
 * (infra/bundling.ts BUNDLE_AWS_SDK), `modes` has both. Functions: one per route of the route table,
 * plus every other handler module under functions/ (workflow tasks, jobs, notifications, the
 * not-found catch-all).
 */
import { build, type BuildOptions } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AWS_SDK_EXTERNALS, BUNDLE_AWS_SDK, FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../infra/bundling';
import { REPO_ROOT } from '../local/router';
import type { RouteSpec } from '../shared/http/route';
import { median } from './stats';

export type SdkMode = 'bundled' | 'external';
export const SDK_MODES: readonly SdkMode[] = ['bundled', 'external'];
/** The variant infra/constructs/service-function.ts deploys. */
export const SHIPPED_SDK_MODE: SdkMode = BUNDLE_AWS_SDK ? 'bundled' : 'external';

/** esbuild options equal to the `bundling` props of ServiceFunction, with the SDK bundled or external. */
export function esbuildOptions(mode: SdkMode): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: FUNCTION_BUNDLING.format,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourceMap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    target: FUNCTION_BUNDLING.target,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    external: mode === 'external' ? [...AWS_SDK_EXTERNALS] : [],
    banner: { js: FUNCTION_BUNDLING.banner },
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  };
}

/** What is deployed (kept under its old name). */
export const SERVICE_FUNCTION_ESBUILD: BuildOptions = esbuildOptions(SHIPPED_SDK_MODE);

// Inside node_modules so that the bundles resolve the external @aws-sdk/* packages as in Lambda's runtime.
const OUT_DIR = resolve(REPO_ROOT, 'node_modules/.cache/bench-bundles');
const EMPTY_ENTRY = join(OUT_DIR, 'empty-handler.ts');
const SDK_ENTRY = join(OUT_DIR, 'sdk-handler.ts');
export const EMPTY_ID = '(empty handler)';
/**
 * Second baseline: a handler that only imports and constructs the DynamoDB document client, bundled
 * the same way as the functions (SDK in the bundle, or external and loaded from node_modules). Every
 * function that talks to DynamoDB pays at least this, so it is the floor of their cold start.
 */
export const SDK_ID = '(DynamoDBDocumentClient only)';

export interface FunctionEntry {
  id: string;
  entry: string;
  kind: 'route' | 'function' | 'baseline';
}

/** One build of one function. */
export interface ModeResult {
  bytes?: number;
  /** Median wall time of `node import.mjs` (process start, import, exit). */
  coldProcessMs?: number;
  /** Median time of the dynamic import itself, measured inside that process. */
  coldImportMs?: number;
  error?: string;
}

/** The shipped variant's figures (flat), and both variants in `modes`. */
export interface BundleResult extends FunctionEntry, ModeResult {
  modes: Partial<Record<SdkMode, ModeResult>>;
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
      // As deployed: the Lambda function name (shared/config.ts checks its settings at init), the
      // function's NODE_OPTIONS (source maps), the settings every function gets.
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'bench',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        TABLE_NAME: 'bench',
        CURSOR_SECRET: 'bench-cursor-secret',
        // The per-function settings the stack sets (workflow routes, the job, publisher, webhooks, e-mail):
        // without them those functions stop at init, as they would deployed.
        STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
        EVENT_BUS_NAME: 'bench',
        WEBHOOK_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/bench',
        WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
        SENDER_EMAIL: 'no-reply@example.com',
        APP_URL: 'https://app.example.com',
        POWERTOOLS_SERVICE_NAME: 'partnerships',
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const importMs = Number(stdout.trim().split('\n').pop());
      if (code !== 0 || !Number.isFinite(importMs))
        reject(new Error(`import failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      else resolveRun({ wallMs, importMs });
    });
  });
}

interface Built extends FunctionEntry {
  mode: SdkMode;
  bytes?: number;
  script?: string;
  error?: string;
  runs: Array<{ wallMs: number; importMs: number }>;
}

async function buildOne(fn: FunctionEntry, mode: SdkMode, index: number): Promise<Built> {
  const dir = join(OUT_DIR, mode, String(index));
  mkdirSync(dir, { recursive: true });
  try {
    const outfile = join(dir, 'index.mjs');
    await build({ ...esbuildOptions(mode), entryPoints: [fn.kind === 'baseline' ? fn.entry : resolve(REPO_ROOT, fn.entry)], outfile });
    const script = join(dir, 'import.mjs');
    writeFileSync(
      script,
      `const t = performance.now();\nconst m = await import(${JSON.stringify(pathToFileURL(outfile).href)});\n` +
        `if (typeof m.handler !== 'function') throw new Error('no handler export');\nconsole.log(performance.now() - t);\n`,
    );
    return { ...fn, mode, bytes: statSync(outfile).size, script, runs: [] };
  } catch (error) {
    return { ...fn, mode, error: (error as Error).message.split('\n')[0]!.slice(0, 200), runs: [] };
  }
}

function summary(b: Built): ModeResult {
  if (b.error) return { error: b.error };
  return { bytes: b.bytes, coldProcessMs: median(b.runs.map((x) => x.wallMs)), coldImportMs: median(b.runs.map((x) => x.importMs)) };
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
  for (const [index, fn] of functions.entries()) for (const mode of SDK_MODES) built.push(await buildOne(fn, mode, index));
  log(`  built ${built.length} bundles (${functions.length} functions × SDK ${SDK_MODES.join(' / ')})`);
  // Round-robin: run r imports every bundle of both variants once, so a burst of load on the shared
  // machine hits all functions, both variants and the baselines alike instead of a few of them.
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
  const fmt = (m: ModeResult | undefined) =>
    !m
      ? '—'
      : (m.error ??
        `${((m.bytes ?? 0) / 1024).toFixed(1)} KB, cold ${m.coldProcessMs?.toFixed(0)} ms (import ${m.coldImportMs?.toFixed(1)} ms)`);
  return functions.map((fn) => {
    const modes: Partial<Record<SdkMode, ModeResult>> = {};
    for (const b of built) if (b.id === fn.id && b.entry === fn.entry) modes[b.mode] = summary(b);
    const result: BundleResult = { ...fn, ...modes[SHIPPED_SDK_MODE], modes };
    log(`  ${fn.id}: SDK bundled ${fmt(modes.bundled)}; SDK external ${fmt(modes.external)}`);
    return result;
  });
}
