/**
 * Entities: what one kind of item holds. Each has a `type` (every item carries it, so the table can be
 * read, migrated and debugged without guessing) and a zod schema of the record it stores. Items are
 * parsed when read: a malformed item is a MalformedItem (a 500 that names the entity and the key in
 * the log, never in the response), not a silent cast. Parsing keeps the record's fields only: table
 * keys and index attributes stay in the store.
 */
import * as z from 'zod/mini';
import type { Item } from './client';
import type { EntityType, Key } from './keys';

export class MalformedItem extends Error {
  constructor(
    readonly entity: string,
    readonly key: { pk?: unknown; sk?: unknown },
    readonly issues: string[],
  ) {
    super(`malformed ${entity} item ${String(key.pk)} / ${String(key.sk)}: ${issues.join('; ')}`);
    this.name = 'MalformedItem';
  }
}

export interface Entity<T> {
  readonly type: EntityType;
  /** The record of a stored item; MalformedItem when it does not match. */
  parse(item: Item): T;
  /** The record, or undefined when there is no item. */
  parseOptional(item: Item | undefined): T | undefined;
  /** The item to store: key, type, the record (undefined fields left out) and index attributes. */
  item(key: Key, record: T, indexAttributes?: Record<string, string | undefined>): Item & Key;
}

export function defineEntity<S extends z.ZodMiniType<Record<string, unknown>>>(type: EntityType, schema: S): Entity<z.output<S>> {
  const parse = (item: Item): z.output<S> => {
    if (item.type !== type) throw new MalformedItem(type, item, [`type is ${String(item.type)}`]);
    const result = schema.safeParse(item);
    if (!result.success) {
      throw new MalformedItem(
        type,
        item,
        result.error.issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`),
      );
    }
    return result.data;
  };
  return {
    type,
    parse,
    parseOptional: (item) => (item === undefined ? undefined : parse(item)),
    item(key, record, indexAttributes = {}) {
      const item: Item & Key = { ...key, type };
      for (const [name, value] of Object.entries(record)) if (value !== undefined) item[name] = value;
      for (const [name, value] of Object.entries(indexAttributes)) if (value !== undefined) item[name] = value;
      return item;
    },
  };
}

/** Schemas shared by entities. */
export const isoTime = () => z.string().check(z.minLength(20), z.maxLength(32));
