/**
 * Bulk rows, written directly with BatchWriteItem (parallel, retrying unprocessed items), and
 * schema-agnostic cloning: rows made by the API are used as templates and copied with their id
 * replaced, so the bulk rows have exactly the shape the feature code writes, whatever it is.
 */
import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export type Row = Record<string, any>;

export interface SeedStats {
  items: number;
  ms: number;
}

/** Writes rows (plain JS objects) 25 at a time with `parallelism` requests in flight. */
export async function batchWriteAll(
  client: DynamoDBClient,
  tableName: string,
  rows: Iterable<Row>,
  parallelism = 6,
): Promise<SeedStats> {
  const started = performance.now();
  const iterator = rows[Symbol.iterator]();
  let written = 0;
  const nextChunk = (): Row[] => {
    const chunk: Row[] = [];
    for (let r = iterator.next(); !r.done; r = iterator.next()) {
      chunk.push(r.value);
      if (chunk.length === 25) break;
    }
    return chunk;
  };
  const worker = async () => {
    for (let chunk = nextChunk(); chunk.length > 0; chunk = nextChunk()) {
      let requests: Array<{ PutRequest: { Item: Record<string, AttributeValue> } }> = chunk.map((row) => ({
        PutRequest: { Item: marshall(row, { removeUndefinedValues: true }) },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
      written += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return { items: written, ms: performance.now() - started };
}

/** Every row of the table (the bench calls it only while the table is small). */
export async function scanAll(client: DynamoDBClient, tableName: string): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) rows.push(unmarshall(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}

/**
 * The rows that belong to entity `id`: those whose pk or sk contains it. Rows that merely mention it
 * elsewhere (a workspace's counters, an activity entry about it) are not copied, so a clone never
 * overwrites a row it does not own.
 */
export function rowsOwnedBy(rows: Row[], id: string): Row[] {
  return rows.filter((row) => String(row.pk).includes(id) || String(row.sk).includes(id));
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value instanceof Set) return new Set([...value].map((v) => replaceDeep(v, from, to)));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceDeep(v, from, to);
    return out;
  }
  return value;
}

/** A fresh id for copy `i`: same length and prefix as `id`, distinct per tag and copy. */
export function freshId(id: string, tag: string, i: number): string {
  const suffix = `${tag}${i.toString(36)}`;
  return id.length > suffix.length + 4 ? id.slice(0, id.length - suffix.length) + suffix : `${id}${suffix}`;
}

/**
 * `count` copies of the template rows with each of `ids` replaced by a fresh id in every string
 * (keys, index keys, e-mails that embed the id...). Fresh ids keep the template's length and prefix,
 * so sort orders and time-ordered ids stay plausible.
 */
export function* cloneRows(template: Row[], ids: string[], count: number, tag: string): Generator<Row> {
  for (let i = 0; i < count; i++) {
    for (const row of template) {
      let copy: unknown = row;
      ids.forEach((id, k) => (copy = replaceDeep(copy, id, freshId(id, `${tag}${k}`, i))));
      yield copy as Row;
    }
  }
}
