/**
 * One page of a Query, with the opaque cursor of shared/store/cursor.ts. Repositories name their
 * access patterns and call this; nothing outside shared/store/ sees a key condition or a
 * LastEvaluatedKey. No Scan anywhere: every list is a Query of one partition.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type Item } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { compile, type AttributePath, type Condition } from './expressions';
import { TABLE } from './table';

export interface PageRequest {
  limit: number;
  cursor?: string;
  /** Who pages (the caller's id): the cursor is bound to them as well as to the list. */
  viewer?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface QuerySpec {
  /** The table itself, or one of TABLE.indexes by its key in that object. */
  index?: keyof typeof TABLE.indexes;
  keyCondition: Condition;
  filter?: Condition;
  projection?: readonly AttributePath[];
  newestFirst?: boolean;
}

/**
 * One Query of at most `limit` items. `scope` binds the cursor to this list (the partition plus
 * whatever else distinguishes it, e.g. a status filter) and `viewer` to the caller, so a cursor of
 * another list or another caller is refused (400) instead of reading that list.
 */
export async function queryPage(spec: QuerySpec, page: PageRequest & { scope: string }): Promise<Page<Item> & { scanned: number }> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      ...(spec.index ? { IndexName: TABLE.indexes[spec.index].name } : {}),
      ...compile({ keyCondition: spec.keyCondition, filter: spec.filter, projection: spec.projection }),
      ...(spec.newestFirst ? { ScanIndexForward: false } : {}),
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, { list: page.scope, viewer: page.viewer ?? '' }),
    }),
  );
  return {
    items: out.Items ?? [],
    nextCursor: encodeCursor(out.LastEvaluatedKey, { list: page.scope, viewer: page.viewer ?? '' }),
    scanned: out.ScannedCount ?? out.Items?.length ?? 0,
  };
}

/** Parses every item of a page with `parse` (an entity's parse, or a projection's). */
export function mapPage<T>(page: Page<Item>, parse: (item: Item) => T): Page<T> {
  return { items: page.items.map(parse), nextCursor: page.nextCursor };
}
