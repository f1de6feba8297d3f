/**
 * CPU accounting of a run from Linux /proc (figures are omitted elsewhere): the service process, its
 * children (DynamoDB Local's JVM), the load generator itself, and the rest of the machine.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { Target } from './service';

const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(result.stdout?.trim()) || 100;
})();

/** The fields of /proc/<pid>/stat this script reads (undefined once the process is gone). */
function readStat(pid: number | string): { ppid: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the command, in parentheses, may hold spaces
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // no /proc
  }
  return entries.filter((entry) => /^\d+$/.test(entry) && readStat(entry)?.ppid === pid).map(Number);
}

/** All CPUs' busy and total ticks (/proc/stat). */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
    if (line === undefined) return undefined;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? NaN) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  at: number;
  server?: number;
  jvm?: number;
  self: NodeJS.CpuUsage;
  machine?: { busy: number; total: number };
}

export function cpuSnapshot(target: Target): CpuSnapshot {
  const jvm = target.pid ? childPids(target.pid).flatMap((pid) => readStat(pid)?.ticks ?? []) : [];
  return {
    at: performance.now(),
    server: target.pid ? readStat(target.pid)?.ticks : undefined,
    jvm: jvm.length ? jvm.reduce((a, b) => a + b, 0) : undefined,
    self: process.cpuUsage(),
    machine: machineTicks(),
  };
}

export interface CpuShares {
  /** Percent of one core, over the measured run. */
  server?: number;
  jvm?: number;
  loadGenerator: number;
  /** Percent of the whole machine (all cores) used by processes other than these three. */
  others?: number;
  machineBusy?: number;
}

export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const seconds = (after.at - before.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / CLOCK_TICKS / seconds;
  const server = before.server !== undefined && after.server !== undefined ? pct(after.server - before.server) : undefined;
  const jvm = before.jvm !== undefined && after.jvm !== undefined ? pct(after.jvm - before.jvm) : undefined;
  const selfMicros = after.self.user - before.self.user + (after.self.system - before.self.system);
  const loadGenerator = selfMicros / 10_000 / seconds;
  let others: number | undefined;
  let machineBusy: number | undefined;
  if (before.machine && after.machine) {
    const total = after.machine.total - before.machine.total;
    const busy = after.machine.busy - before.machine.busy;
    machineBusy = (100 * busy) / total;
    const ours = (((server ?? 0) + (jvm ?? 0) + loadGenerator) * seconds * CLOCK_TICKS) / 100;
    others = Math.max(0, (100 * (busy - ours)) / total);
  }
  return { server, jvm, loadGenerator, others, machineBusy };
}
