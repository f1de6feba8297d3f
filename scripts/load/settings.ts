/**
 * `npm run load` settings, from the environment: LOAD_CONNECTIONS (50), LOAD_DURATION seconds (30),
 * LOAD_WARMUP seconds (3, not measured; 0 skips), LOAD_TIMEOUT seconds per request (10), LOAD_PORT
 * (3300), LOAD_URL (a running local service instead of starting one), LOAD_WRITE_DOCS=0 to leave
 * docs/LOAD.md and README.md alone.
 */
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min} (got "${raw}").`);
    process.exit(2);
  }
  return value;
}

export const settings = {
  url: process.env.LOAD_URL?.replace(/\/+$/, '') || undefined,
  port: whole('LOAD_PORT', 3300, 1),
  connections: whole('LOAD_CONNECTIONS', 50, 3),
  duration: whole('LOAD_DURATION', 30, 1),
  warmup: whole('LOAD_WARMUP', 3, 0),
  timeout: whole('LOAD_TIMEOUT', 10, 1),
  writeDocs: process.env.LOAD_WRITE_DOCS !== '0',
};

export type KindName = 'reads' | 'writes' | 'decisions';

/** The connection budget: half reads, 30 % writes, 20 % decisions (at least one each). */
export function splitConnections(total: number): Record<KindName, number> {
  const decisions = Math.max(1, Math.round(total * 0.2));
  const writes = Math.max(1, Math.round(total * 0.3));
  return { reads: total - decisions - writes, writes, decisions };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
