/**
 * Reading the route table's zod/mini schemas (their `_zod.def`), so the generated cases follow the
 * real input limits: which keys an object accepts, a string's maximum length, an enum's values.
 */
import type * as z from 'zod/mini';

type AnySchema = z.ZodMiniType | undefined;
const def = (schema: AnySchema): any => (schema as any)?._zod?.def;

/** The schema under optional / nullable / prefault / default / pipe wrappers. */
export function core(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10 && current; i++) {
    const d = def(current);
    if (!d) return current;
    if (['optional', 'nullable', 'prefault', 'default', 'readonly', 'nonoptional'].includes(d.type)) current = d.innerType;
    else if (d.type === 'pipe') current = d.in;
    else return current;
  }
  return current;
}

/** The keys an object schema accepts (empty for anything else). */
export function shapeKeys(schema: AnySchema): string[] {
  const d = def(core(schema));
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

/** The schema of a field of an object schema. */
export const fieldSchema = (schema: AnySchema, key: string): AnySchema => def(core(schema))?.shape?.[key];

/** The element schema of an array schema. */
export const elementSchema = (schema: AnySchema): AnySchema => def(core(schema))?.element;

function checks(schema: AnySchema): Array<Record<string, any>> {
  return (def(core(schema))?.checks ?? []).map((c: any) => c?._zod?.def ?? {});
}

/** A string or array's maximum length, if it has one. */
export const maxLength = (schema: AnySchema): number | undefined => checks(schema).find((c) => c.check === 'max_length')?.maximum;

/** Whether the schema accepts `value` (the route's own validation, used as the oracle of validity). */
export const accepts = (schema: AnySchema, value: unknown): boolean => (schema ? (schema as any).safeParse(value).success : true);

/** Every plain object inside a JSON value, with its path and the schema describing it. */
export function objectNodes(
  value: unknown,
  schema: AnySchema,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; node: Record<string, unknown>; schema: AnySchema }> {
  const out: Array<{ path: Array<string | number>; node: Record<string, unknown>; schema: AnySchema }> = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...objectNodes(v, elementSchema(schema), [...path, i])));
  } else if (value && typeof value === 'object') {
    out.push({ path, node: value as Record<string, unknown>, schema });
    for (const [k, v] of Object.entries(value)) out.push(...objectNodes(v, fieldSchema(schema, k), [...path, k]));
  }
  return out;
}

/** A deep copy of `value` with `replace(node)` applied to the node at `path`. */
export function withNode(value: unknown, path: Array<string | number>, replace: (node: any) => unknown): unknown {
  if (path.length === 0) return replace(structuredClone(value));
  const copy: any = structuredClone(value);
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const last = path[path.length - 1]!;
  parent[last] = replace(parent[last]);
  return copy;
}

/** Every leaf field (path to a non-object value, or to an object/array as a whole) of a JSON value. */
export function fieldPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => fieldPaths(v, [...path, i]))].filter((p) => p.length > 0);
  if (value && typeof value === 'object') {
    return [...(path.length ? [path] : []), ...Object.entries(value).flatMap(([k, v]) => fieldPaths(v, [...path, k]))];
  }
  return path.length ? [path] : [];
}

/** The schema at a field path of a body schema. */
export function schemaAt(schema: AnySchema, path: Array<string | number>): AnySchema {
  let current = schema;
  for (const step of path) current = typeof step === 'number' ? elementSchema(current) : fieldSchema(current, step);
  return current;
}
