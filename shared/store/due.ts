/**
 * The due index (gsi2, sparse): items awaiting something carry `gsi2pk = "DUE"` and
 * `gsi2sk = "<dueAt ISO>#<TYPE>#<id>"` (partnership stages, pending team partner invitations). The
 * scheduled job reads only what is due: one Query of the keys up to `now`, page by page.
 *
 * Access patterns:
 *   due at a time     Query gsi2     DUE / <= "<now ISO>~"     (oldest due first)
 */
import * as z from 'zod/mini';
import type { Item } from './client';
import { keyCondition } from './expressions';
import { keys, type Key } from './keys';
import { queryPage, type PageRequest } from './query';
import { TABLE } from './table';

const due = TABLE.indexes.due;

/** A due item: its key, type and due sort key (with the id it names), and its other attributes. */
export type DueItem = Key & { type: string; dueKey: string; dueAt: string; id: string } & Record<string, unknown>;

const dueIndexEntry = z.object({ pk: z.string(), sk: z.string(), type: z.string(), [due.sortKey]: z.string() });

export interface DuePage {
  items: DueItem[];
  nextCursor: string | null;
  /** Items DynamoDB read for the page. */
  scanned: number;
  /** Items of the index that name no type or due time (counted as skipped by the job). */
  malformed: number;
}

/** One page of what is due at `at` (an ISO time), oldest due first. Items without a type or a due key of that shape are left out (counted in `malformed`). */
export async function duePage(at: string, page: PageRequest): Promise<DuePage> {
  const upTo = keys.dueUpTo(at);
  const result = await queryPage(
    { index: 'due', keyCondition: keyCondition({ name: due.partitionKey, value: keys.duePartition }, { name: due.sortKey, lte: upTo }) },
    { ...page, scope: `${keys.duePartition}|${upTo}` },
  );
  const items: DueItem[] = [];
  for (const item of result.items) {
    const entry = toDueItem(item);
    if (entry) items.push(entry);
  }
  return { items, nextCursor: result.nextCursor, scanned: result.scanned, malformed: result.items.length - items.length };
}

function toDueItem(item: Item): DueItem | undefined {
  const parsed = dueIndexEntry.safeParse(item);
  if (!parsed.success) return undefined;
  const dueKey = String(item[due.sortKey]);
  const parts = keys.dueKeyParts(dueKey);
  if (!parts) return undefined;
  return { ...item, pk: parsed.data.pk, sk: parsed.data.sk, type: parsed.data.type, dueKey, dueAt: parts.dueAt, id: parts.id };
}
