/**
 * Reusable zod/mini schemas for the HTTP edge: ids, names, list queries. Bounds here are the
 * service's input limits (string sizes, list sizes), so every route applies the same ones.
 */
import * as z from 'zod/mini';

export const MAX_BODY_BYTES = 64 * 1024;

/** Opaque ids: what the service generates (base32/uuid-like), never a path or a key fragment. */
export const id = () => z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id'));
/**
 * Unpaired UTF-16 surrogates have no UTF-8 form: DynamoDB Local keeps them, AWS would not store them
 * as sent, and e-mail cannot carry them. NUL is refused too. Names also go into e-mail subject lines:
 * one line, no control characters.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = () =>
  z.refine<string>(
    (v) => !LONE_SURROGATE.test(v) && !v.includes('\u0000'),
    'must be well-formed Unicode text (no lone surrogates, no NUL)',
  );
const singleLine = () =>
  z.refine<string>((v) => !/[\u0000-\u001f\u007f\u2028\u2029]/.test(v), 'must be one line without control characters');
export const name = () => z.string().check(z.trim(), z.minLength(1), z.maxLength(100), wellFormed(), singleLine());
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max), wellFormed());
export const email = () => z.string().check(z.maxLength(254), z.email());

/** `?limit=1..100` (default 25) and an opaque cursor. Query strings arrive as strings. */
export const limit = () =>
  z.prefault(
    z.pipe(
      z.string().check(z.regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 100')),
      z.pipe(
        z.transform((v: string) => Number(v)),
        z.number().check(z.minimum(1), z.maximum(100)),
      ),
    ),
    '25',
  );
export const cursor = () => z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));

export const listQuery = () => z.strictObject({ limit: limit(), cursor: cursor() });
export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

export const empty = () => z.strictObject({});
