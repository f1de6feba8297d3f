/**
 * Webhook rules (SPEC §11), pure: which URLs and addresses an endpoint may have, which events it
 * receives, the retry schedule, when an endpoint is disabled, and the secrets' format. The DNS part of
 * the URL rules runs in the deliverer (shared/features/webhooks/deliver.ts), which resolves the host,
 * checks every address with `addressAllowed` and connects to the address it checked.
 */
import { isIP } from 'node:net';

/** SPEC §11: at most 10 webhooks per workspace. */
export const MAX_WEBHOOKS_PER_WORKSPACE = 10;
/** How long the previous secret still signs after a rotation (Standard Webhooks: sign with both). */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;
/** A delivery is retried until this long after its first attempt, then `failed`. */
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;
/** An endpoint whose deliveries have all failed for this long is disabled. */
export const DISABLE_AFTER_MS = RETRY_WINDOW_MS;
/** Each attempt waits at most this long for a 2xx. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** What is kept of a response body. */
export const MAX_STORED_RESPONSE_BYTES = 1024;
/** Attempts kept on a delivery record (the newest). */
export const MAX_STORED_ATTEMPTS = 25;

export const WILDCARD = '*';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Waits before the 2nd..7th attempt; later ones every 12 h. */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR] as const;
export const LATER_RETRY_DELAY_MS = 12 * HOUR;

/**
 * When the next attempt is due after `attemptsMade` failed attempts, the first at `firstAttemptAt`
 * (epoch ms), the last at `lastAttemptAt`: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h, and a last
 * one exactly 3 days after the first; undefined once that one failed (the delivery is failed).
 */
export function nextAttemptTime(firstAttemptAt: number, lastAttemptAt: number, attemptsMade: number): number | undefined {
  if (attemptsMade < 1) return firstAttemptAt;
  const delay = RETRY_DELAYS_MS[attemptsMade - 1] ?? LATER_RETRY_DELAY_MS;
  const end = firstAttemptAt + RETRY_WINDOW_MS;
  // The last attempt is at the end of the window (an endpoint failing since the first attempt is then disabled).
  return lastAttemptAt >= end ? undefined : Math.min(lastAttemptAt + delay, end);
}

/** Whether an endpoint failing since `failingSince` (epoch ms; undefined: not failing) is disabled at `now`. */
export function shouldDisable(failingSince: number | undefined, now: number): boolean {
  return failingSince !== undefined && now - failingSince >= DISABLE_AFTER_MS;
}

/** Whether an endpoint subscribed to `eventTypes` receives events of `type` (webhook.test.v1 only by POST /test). */
export function subscribes(eventTypes: readonly string[], type: string): boolean {
  if (type === 'webhook.test.v1') return false;
  return eventTypes.includes(WILDCARD) || eventTypes.includes(type);
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks' format). */
export function newWebhookSecret(random: (bytes: number) => Uint8Array): string {
  return `whsec_${Buffer.from(random(32)).toString('base64')}`;
}

// ---- URL and address rules ------------------------------------------------------------------------

export type UrlMode = 'aws' | 'local';

export type UrlVerdict = { allowed: true; url: URL; host: string } | { allowed: false; reason: string };

const LOCAL_HTTP_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** The host of a URL without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/**
 * The rules that need no DNS: https only (deployed); in local mode also http://127.0.0.1:<port> and
 * http://localhost:<port>; no credentials; a literal address must be public; names that always mean this
 * machine (localhost, *.localhost) or internal names (*.internal, *.local) are refused outside that one exception.
 */
export function checkWebhookUrl(raw: string, mode: UrlMode): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { allowed: false, reason: 'a URL with credentials is not allowed' };
  // A fully qualified name's trailing dot ("localhost.") names the same host: the rules see it without.
  const host = bareHost(url).replace(/\.$/, '');
  if (mode === 'local' && url.protocol === 'http:' && LOCAL_HTTP_HOSTS.has(host) && url.port !== '') return { allowed: true, url, host };
  if (url.protocol !== 'https:') {
    return {
      allowed: false,
      reason: mode === 'local' ? 'https only (or http://127.0.0.1:<port> / http://localhost:<port> locally)' : 'https only',
    };
  }
  if (isIP(host))
    return addressAllowed(host) ? { allowed: true, url, host } : { allowed: false, reason: `${host} is not a public address` };
  if (host === 'localhost' || /\.(localhost|local|internal|localdomain|home\.arpa)\.?$/.test(host) || !host.includes('.')) {
    return { allowed: false, reason: `${host} is not a public host name` };
  }
  return { allowed: true, url, host };
}

/** Whether a delivery may connect to `address` (an IPv4 or IPv6 literal): public unicast only. */
export function addressAllowed(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return ipv4Allowed(address);
  if (kind === 6) return ipv6Allowed(address);
  return false;
}

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

function ipv4Allowed(address: string): boolean {
  const [a = 0, b = 0] = ipv4Octets(address);
  if (a === 0) return false; // unspecified, "this network"
  if (a === 10) return false; // RFC 1918
  if (a === 127) return false; // loopback
  if (a === 100 && b >= 64 && b <= 127) return false; // CGNAT 100.64/10
  if (a === 169 && b === 254) return false; // link-local, metadata 169.254.169.254
  if (a === 172 && b >= 16 && b <= 31) return false; // RFC 1918
  if (a === 192 && b === 168) return false; // RFC 1918
  if (a === 192 && b === 0 && ipv4Octets(address)[2] === 0) return false; // IETF protocol assignments
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a >= 224) return false; // multicast, reserved, broadcast
  return true;
}

/** The 8 16-bit groups of an IPv6 literal (with an embedded IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(v4[1]);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

function ipv6Allowed(address: string): boolean {
  const g = ipv6Groups(address);
  if (g.length !== 8) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUpTo(7) && (g7 === 0 || g7 === 1)) return false; // unspecified ::, loopback ::1
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (allZeroUpTo(5) && g5 === 0xffff) return ipv4Allowed(v4(g6, g7)); // IPv4-mapped ::ffff:a.b.c.d
  if (allZeroUpTo(6)) return ipv4Allowed(v4(g6, g7)); // IPv4-compatible (deprecated) ::a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Allowed(v4(g6, g7)); // NAT64 64:ff9b::/96
  if ((g0 & 0xfe00) === 0xfc00) return false; // ULA fc00::/7 (metadata fd00:ec2::254 included)
  if ((g0 & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return false; // site-local (deprecated) fec0::/10
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  if (g0 === 0x2001 && g1 === 0xdb8) return false; // documentation
  if (g0 === 0x2002) return ipv4Allowed(v4(g1, g2)); // 6to4 embeds an IPv4 address
  return true;
}
