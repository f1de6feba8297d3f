import { randomBytes } from 'node:crypto';

/** Opaque, roughly time-ordered ids: 9 chars of base36 time + 16 chars of base32 randomness. */
export function newId(now: number = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += alphabet.charAt(byte & 31);
  return `${time}${random}`;
}
