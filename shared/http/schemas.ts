/**
 * Reusable zod/mini schemas for the HTTP edge: ids, names, list queries. Bounds here are the
 * service's input limits (string sizes, list sizes), so every route applies the same ones.
 *
 * Every rule is written so that `z.toJSONSchema` emits it (a `pattern`, a length, `minProperties`): the
 * OpenAPI document (shared/openapi/document.ts) states exactly what the service enforces, and a
 * client that follows it is never refused for a rule it could not see. Patterns are written to mean
 * the same with and without the `u` flag (zod tests them without it, JSON Schema validators with it).
 */
import * as z from 'zod/mini';

export const MAX_BODY_BYTES = 64 * 1024;

/** Opaque ids: what the service generates (base32/uuid-like), never a path or a key fragment. */
export const id = () => z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id'));

/**
 * Text the service stores and sends on: well-formed Unicode (a lone UTF-16 surrogate has no UTF-8 form:
 * DynamoDB Local keeps it, AWS would not store it as sent, e-mail cannot carry it), no NUL, and at
 * least one character that is not white space (values are trimmed before they are stored).
 */
const TEXT = /^(?=[\s\S]*\S)(?:[^\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
/** Names also go into e-mail subject lines: one line, no control characters. */
const ONE_LINE = /^(?=[\s\S]*\S)(?:[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/**
 * A trimmed string: the limits apply to the value as sent (so the document's `maxLength` is the real
 * one), the pattern refuses blank values; what is stored is the value without surrounding white space.
 */
const trimmed = (max: number, pattern: RegExp, message: string) =>
  z.string().check(z.maxLength(max), z.regex(pattern, message), z.trim(), z.minLength(1));

/** Names (workspaces, teams, accounts, users): 1..100 characters on one line. */
export const name = () => trimmed(100, ONE_LINE, 'must be one line of text without control characters');
/** Titles (work items): like names, up to `max` characters. */
export const title = (max: number) => trimmed(max, ONE_LINE, 'must be one line of text without control characters');
/** Free text (reasons): several lines allowed, no NUL. */
export const text = (max: number) => trimmed(max, TEXT, 'must be well-formed text (no NUL, no lone surrogates), not blank');
export const email = () => z.string().check(z.maxLength(254), z.email());

/**
 * An http(s) URL whose host is a dotted domain name (`https://crm.example.com/login`; no `localhost`, no
 * IP address, no credentials): the pattern is the rule (the document shows it); the URL parser only confirms it.
 */
const HTTP_URL =
  /^https?:\/\/(?=[^/?#:]{1,253}(?:[/?#:]|$))(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(?:[/?#][^\s\u0000-\u001f\u007f]*)?$/;
export const httpUrl = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.regex(HTTP_URL, 'must be an http(s) URL of a dotted host name (e.g. https://app.example.com)'),
    z.refine((v) => URL.canParse(v), 'must be a URL'),
    z.meta({ format: 'uri' }),
  );

/**
 * A PATCH body: every field optional, at least one given (`minProperties` in the document; the check
 * counts the fields that are present).
 */
export const patch = <S extends Record<string, z.ZodMiniType>>(shape: S) =>
  z.strictObject(shape).check(
    z.refine((value: object) => Object.values(value).some((v) => v !== undefined), 'give at least one field'),
    z.meta({ minProperties: 1 }),
  );

/**
 * `?limit=1..100` (default 25) and an opaque cursor. Query strings arrive as strings: the runtime parses
 * the digits; the document shows the integer a client sends (shared/openapi/document.ts reads
 * `documentAs`).
 */
export const LIMIT = { minimum: 1, maximum: 100, default: 25 } as const;
export const limit = () =>
  z
    .prefault(
      z.pipe(
        z.string().check(z.regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 100')),
        z.pipe(
          z.transform((v: string) => Number(v)),
          z.number().check(z.minimum(LIMIT.minimum), z.maximum(LIMIT.maximum)),
        ),
      ),
      String(LIMIT.default),
    )
    .check(z.meta({ documentAs: { type: 'integer', ...LIMIT } }));
export const cursor = () => z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));

export const listQuery = () => z.strictObject({ limit: limit(), cursor: cursor() });

export const empty = () => z.strictObject({});

// ---- response shapes (the document's success schemas) ------------------------------------------------------

/** An ISO-8601 UTC time (`Date.toISOString()`), as every record stores it. */
export const time = () => z.string().check(z.meta({ format: 'date-time' }));
/**
 * A response shape with a name: the document lists it once under `components.schemas` and refers to it
 * (the typed client names its type). Name the final shape: `z.extend` of a named shape keeps the name.
 */
export const named = <T extends z.ZodMiniType>(id: string, schema: T): T => schema.check(z.meta({ id }));
export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
