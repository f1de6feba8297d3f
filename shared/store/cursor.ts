/**
 * Opaque list cursors: the DynamoDB LastEvaluatedKey, encrypted and authenticated with AES-256-GCM
 * under a key derived (HKDF-SHA256) from the cursor secret, and bound to the list (its scope) and the
 * caller (the viewer) as additional authenticated data. A client sees random bytes: no table key, no
 * id. A tampered cursor, or one replayed on another list or by another caller, fails authentication: a
 * 400 `validation_failed` on `query.cursor`, never a 5xx and never a read of another list.
 *
 * Layout (base64url): version (1 byte) | IV (12 bytes) | ciphertext | tag (16 bytes).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { config } from '../config';
import { validationFailed } from '../errors';

type LastKey = Record<string, unknown>;

/** What a cursor is bound to: the list it came from and who read it. */
export interface CursorBinding {
  list: string;
  viewer: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

let derived: { secret: string; key: Buffer } | undefined;
/** The AES key, derived once per secret (the secret itself is never used as a key). */
function cursorKey(): Buffer {
  const secret = config().cursorSecret;
  if (derived?.secret !== secret) {
    derived = { secret, key: Buffer.from(hkdfSync('sha256', secret, 'partnerships/list-cursor', 'aes-256-gcm v1', 32)) };
  }
  return derived.key;
}

const aad = (binding: CursorBinding) => Buffer.from(`${VERSION}\n${binding.list}\n${binding.viewer}`, 'utf8');

export function encodeCursor(lastKey: LastKey | undefined, binding: CursorBinding): string | null {
  if (!lastKey) return null;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cursorKey(), iv);
  cipher.setAAD(aad(binding));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, binding: CursorBinding): LastKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => validationFailed([{ field: 'query.cursor', issue: 'invalid cursor (not one this list gave this caller)' }]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const bytes = Buffer.from(cursor, 'base64url');
  // Only the one spelling the service gives (the decoder would ignore trailing characters).
  if (bytes.toString('base64url') !== cursor || bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw invalid();
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey(), bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    const key: unknown = JSON.parse(plain.toString('utf8'));
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
    return key as LastKey;
  } catch {
    throw invalid();
  }
}
