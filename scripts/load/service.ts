/**
 * The service under load: started in a child process (what `npm start` runs), in a process group of
 * its own so that nothing of it (DynamoDB Local's JVM included) outlives the script; or a running one
 * (LOAD_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, sleep } from './settings';

export interface Target {
  url: string;
  /** Our child process (undefined with LOAD_URL). */
  pid?: number;
  /** Last lines the service printed. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function waitHealthy(url: string, deadlineMs: number, died?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const reason = died?.();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(`${url}/local/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/local/health did not answer 200 within ${Math.round(deadlineMs / 1000)} s`);
    await sleep(250);
  }
}

/**
 * `npm start` without npm in between (package.json's start is `exec node --import tsx local/main.ts`):
 * its own process group, so that whatever happens nothing of it outlives this script.
 */
export async function startService(port: number): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      done();
    }),
  );
  const output = () => lines.join('\n');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exitCode === undefined) {
      child.kill('SIGTERM'); // local/main.ts stops DynamoDB Local, then exits
      await Promise.race([exited, sleep(20_000)]);
      if (exitCode === undefined) console.error('load: the service did not stop within 20 s; killing its process group');
    }
    // Whatever is left of the group (the JVM is in it) goes; nothing left is the usual case.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, 240_000, () =>
      exitCode !== undefined ? `the service exited while starting (code ${exitCode}):\n${output().slice(-3000)}` : undefined,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid, output, stop };
}
