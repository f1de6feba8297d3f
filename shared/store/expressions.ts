/**
 * DynamoDB expressions, built from values instead of strings. Conditions and updates allocate their
 * own placeholders (`#n0`, `:v0`...), so several can be combined in one request without clashes and
 * no caller ever spells an attribute name or a placeholder. Only shared/store/ uses this module.
 *
 *   compile({ update: { set: { role: 'admin', updatedAt: at }, remove: ['joinedAt'] },
 *             condition: and(eq('workspaceId', ws), isIn('role', ['owner', 'admin'])) })
 *   -> { UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues }
 */

/** An attribute, or a path into maps: `['admins', userId]` is admins.<userId>. */
export type AttributePath = string | readonly string[];

/** Allocates placeholders for one request. */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly byName = new Map<string, string>();
  private valueCount = 0;

  name(path: AttributePath): string {
    const parts = typeof path === 'string' ? [path] : path;
    return parts
      .map((part) => {
        let placeholder = this.byName.get(part);
        if (!placeholder) {
          placeholder = `#n${this.byName.size}`;
          this.byName.set(part, placeholder);
          this.names[placeholder] = part;
        }
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}

// ---- conditions -------------------------------------------------------------------------------------

/** A condition renders itself with the request's placeholders. */
export type Condition = (p: Placeholders) => string;

export const eq =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `${p.name(path)} = ${p.value(value)}`;
export const ne =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `${p.name(path)} <> ${p.value(value)}`;
export const lte =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `${p.name(path)} <= ${p.value(value)}`;
export const lt =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `${p.name(path)} < ${p.value(value)}`;
export const gte =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `${p.name(path)} >= ${p.value(value)}`;
export const exists =
  (path: AttributePath): Condition =>
  (p) =>
    `attribute_exists(${p.name(path)})`;
export const notExists =
  (path: AttributePath): Condition =>
  (p) =>
    `attribute_not_exists(${p.name(path)})`;
/** The attribute holds null (DynamoDB type NULL). */
export const isNull =
  (path: AttributePath): Condition =>
  (p) =>
    `attribute_type(${p.name(path)}, ${p.value('NULL')})`;
export const isIn = (path: AttributePath, values: readonly unknown[]): Condition => {
  if (values.length === 0) throw new Error('isIn needs at least one value');
  return (p) => `${p.name(path)} IN (${values.map((v) => p.value(v)).join(', ')})`;
};
export const contains =
  (path: AttributePath, value: unknown): Condition =>
  (p) =>
    `contains(${p.name(path)}, ${p.value(value)})`;
export const sizeAtMost =
  (path: AttributePath, max: number): Condition =>
  (p) =>
    `size(${p.name(path)}) <= ${p.value(max)}`;

export const and = (...conditions: Array<Condition | undefined | false>): Condition => {
  const parts = conditions.filter((c): c is Condition => Boolean(c));
  const [first] = parts;
  if (!first) throw new Error('and() of no condition');
  return (p) => (parts.length === 1 ? first(p) : parts.map((c) => `(${c(p)})`).join(' AND '));
};
export const or = (...conditions: Condition[]): Condition => {
  const [first] = conditions;
  if (!first) throw new Error('or() of no condition');
  return (p) => (conditions.length === 1 ? first(p) : conditions.map((c) => `(${c(p)})`).join(' OR '));
};
export const not =
  (condition: Condition): Condition =>
  (p) =>
    `NOT (${condition(p)})`;

/** The item exists (any key attribute works: every item has `pk`). */
export const itemExists = (): Condition => exists('pk');
/** The item does not exist yet. */
export const itemIsNew = (): Condition => notExists('pk');

// ---- updates ----------------------------------------------------------------------------------------

/** `attribute = attribute + n` (with the attribute initialised to 0 when absent). */
export class Increment {
  constructor(readonly by: number) {}
}
export const increment = (by = 1) => new Increment(by);

/**
 * An update: `set` assigns (a value of `undefined` removes the attribute instead, which is how sparse
 * index attributes come and go), `setPaths` assigns nested map entries, `remove` removes attributes or
 * map entries, `add` adds to numbers or string sets.
 */
export interface Update {
  set?: Record<string, unknown>;
  setPaths?: ReadonlyArray<readonly [AttributePath, unknown]>;
  remove?: readonly AttributePath[];
  add?: Record<string, unknown>;
  /** Removes from string sets. */
  deleteFromSet?: Record<string, unknown>;
}

function renderUpdate(update: Update, p: Placeholders): string {
  const set: string[] = [];
  const remove: string[] = [];
  const assign = (path: AttributePath, value: unknown) => {
    if (value === undefined) remove.push(p.name(path));
    else if (value instanceof Increment) {
      const name = p.name(path);
      set.push(`${name} = if_not_exists(${name}, ${p.value(0)}) + ${p.value(value.by)}`);
    } else set.push(`${p.name(path)} = ${p.value(value)}`);
  };
  for (const [name, value] of Object.entries(update.set ?? {})) assign(name, value);
  for (const [path, value] of update.setPaths ?? []) assign(path, value);
  for (const path of update.remove ?? []) remove.push(p.name(path));
  const add = Object.entries(update.add ?? {}).map(([name, value]) => `${p.name(name)} ${p.value(value)}`);
  const del = Object.entries(update.deleteFromSet ?? {}).map(([name, value]) => `${p.name(name)} ${p.value(value)}`);
  const clauses = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
    add.length ? `ADD ${add.join(', ')}` : '',
    del.length ? `DELETE ${del.join(', ')}` : '',
  ].filter(Boolean);
  if (clauses.length === 0) throw new Error('an update must change something');
  return clauses.join(' ');
}

// ---- compiling ----------------------------------------------------------------------------------------

export interface CompiledExpressions {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Renders the parts of one request with one set of placeholders. */
export function compile(parts: {
  update?: Update;
  condition?: Condition;
  keyCondition?: Condition;
  filter?: Condition;
  projection?: readonly AttributePath[];
}): CompiledExpressions {
  const p = new Placeholders();
  const out: CompiledExpressions = {};
  if (parts.keyCondition) out.KeyConditionExpression = parts.keyCondition(p);
  if (parts.update) out.UpdateExpression = renderUpdate(parts.update, p);
  if (parts.condition) out.ConditionExpression = parts.condition(p);
  if (parts.filter) out.FilterExpression = parts.filter(p);
  if (parts.projection?.length) out.ProjectionExpression = parts.projection.map((path) => p.name(path)).join(', ');
  if (Object.keys(p.names).length) out.ExpressionAttributeNames = p.names;
  if (Object.keys(p.values).length) out.ExpressionAttributeValues = p.values;
  return out;
}

/** A key condition on a partition, optionally with a sort-key range or exact value. */
export const keyCondition = (
  pk: { name: string; value: string },
  sk?: { name: string; between: readonly [string, string] } | { name: string; lte: string } | { name: string; equals: string },
): Condition => {
  if (!sk) return eq(pk.name, pk.value);
  if ('between' in sk)
    return (p) =>
      `${p.name(pk.name)} = ${p.value(pk.value)} AND ${p.name(sk.name)} BETWEEN ${p.value(sk.between[0])} AND ${p.value(sk.between[1])}`;
  if ('lte' in sk) return (p) => `${p.name(pk.name)} = ${p.value(pk.value)} AND ${p.name(sk.name)} <= ${p.value(sk.lte)}`;
  return (p) => `${p.name(pk.name)} = ${p.value(pk.value)} AND ${p.name(sk.name)} = ${p.value(sk.equals)}`;
};

/**
 * The sort-key range of every key starting with `prefix`: the same items as begins_with, but DynamoDB
 * Local answers a range from its index while it walks a partition from its start for begins_with (a
 * list stored after 10 000 other items of the partition was slow in tests and the bench).
 */
export function prefixRange(prefix: string): readonly [string, string] {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return [prefix, upper];
}
