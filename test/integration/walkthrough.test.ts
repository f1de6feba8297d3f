/**
 * End to end with the typed client (clients/typescript): `npm start` as a child process, and the README's
 * walk-throughs (scripts/walkthrough.ts, what scripts/walkthrough*.sh run) against it, twice on the same
 * server (their user ids carry a per-run suffix). Every request of the client goes over HTTP to the
 * real local server: token check, router, handlers, DynamoDB Local, the state machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb';
import { REPO_ROOT } from '../../local/router';
import { walkthrough, walkthroughSharing } from '../../scripts/walkthrough';

let child: ChildProcess | undefined;
let baseUrl = '';
let output = '';

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // The environment a person has: not the test's table, endpoint or mode.
  const unset = ['DATA_DIR', 'TABLE_NAME', 'DYNAMODB_ENDPOINT', 'SERVICE_MODE', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_ENV'];
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.includes(name))), PORT: String(port) };
  child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const healthy = await fetch(`${baseUrl}/local/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`npm start not healthy within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 90_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}, 30_000);

describe('the walk-throughs with the typed client, against npm start', () => {
  for (const run of ['e2e1', 'e2e2']) {
    it(`run ${run}: §2-§5 then §6, every status as expected`, async () => {
      const lines: string[] = [];
      const options = { baseUrl, run: `${run}${Date.now().toString(36)}`, log: (line: string) => lines.push(line) };
      try {
        await walkthrough(options);
        await walkthroughSharing(options);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${lines.slice(-15).join('\n')}`);
      }
      // Each request printed its status.
      const requests = lines.filter((line) => / -> \d{3}/.test(line));
      expect(requests.length).toBeGreaterThan(60);
      expect(lines.at(-1)).toBe('\n## done');
    }, 60_000);
  }
});
