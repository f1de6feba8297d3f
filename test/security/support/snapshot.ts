/**
 * Whole-table snapshots (a Scan: tests only, never on a request path) and their difference, to
 * prove that refused requests changed nothing. Uses its own DynamoDB client, so fault injection on
 * the service's client (faults.test.ts) never affects the snapshot.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../../local/dynamodb';
import { scanAll } from '../../support/table';

export type Snapshot = Map<string, string>;

let client: DynamoDBClient | undefined;
const raw = () => (client ??= localClient(process.env.DYNAMODB_ENDPOINT!));

const stable = (value: unknown): unknown => {
  if (value instanceof Set) return { $set: [...value].map(String).sort() };
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
};

export async function snapshot(): Promise<Snapshot> {
  const items: Snapshot = new Map();
  for (const item of await scanAll(raw(), process.env.TABLE_NAME!, true))
    items.set(`${String(item.pk)} | ${String(item.sk)}`, JSON.stringify(stable(item)));
  return items;
}

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  before?: string;
  after?: string;
}

/** Differences between two snapshots; `ignore(key, json)` drops those that are expected. */
export function diff(before: Snapshot, after: Snapshot, ignore: (key: string, json: string) => boolean = () => false): Change[] {
  const changes: Change[] = [];
  for (const [key, json] of after) {
    const was = before.get(key);
    if (was === undefined) {
      if (!ignore(key, json)) changes.push({ kind: 'added', key, after: json });
    } else if (was !== json && !ignore(key, json)) changes.push({ kind: 'changed', key, before: was, after: json });
  }
  for (const [key, json] of before) if (!after.has(key) && !ignore(key, json)) changes.push({ kind: 'removed', key, before: json });
  return changes;
}

export const describeChanges = (changes: Change[]) =>
  changes
    .slice(0, 8)
    .map((c) => `${c.kind} ${c.key}${c.after ? ` -> ${c.after.slice(0, 300)}` : ''}`)
    .join('\n') + (changes.length > 8 ? `\n... and ${changes.length - 8} more` : '');

/** Activity entries and notifications: ignored only where a refusal is deliberately logged (§6 logins). */
export const isActivityOrOutbox = (key: string) => key.startsWith('ACT#') || key.startsWith('NOTE#');

/** Every string value of every item (to find the identifiers a tenant owns). */
export function stringsOf(json: string): string[] {
  const out: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(JSON.parse(json));
  return out;
}
