/**
 * Opaque list cursors: the DynamoDB LastEvaluatedKey, signed with HMAC and bound to the list
 * (scope) it came from. A tampered cursor or one replayed on another list is a 400, never a 5xx
 * and never a read of another list.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from '../config';
import { validationFailed } from '../errors';

type LastKey = Record<string, unknown>;

const sign = (payload: string, scope: string) =>
  createHmac('sha256', config().cursorSecret).update(`${scope}\n${payload}`).digest('base64url');

export function encodeCursor(lastKey: LastKey | undefined, scope: string): string | null {
  if (!lastKey) return null;
  const payload = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
  return `${payload}.${sign(payload, scope)}`;
}

export function decodeCursor(cursor: string | undefined, scope: string): LastKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => validationFailed([{ field: 'cursor', issue: 'invalid cursor' }]);
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const expected = Buffer.from(sign(payload, scope));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
    return key as LastKey;
  } catch {
    throw invalid();
  }
}
