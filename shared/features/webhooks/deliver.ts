/**
 * One delivery attempt (SPEC §11), the same deployed (the deliverer function, from the SQS queue) and
 * locally (the local delivery loop and POST /local/jobs/webhooks):
 *
 *   1. read the endpoint and the delivery (nothing to do unless it is pending and due);
 *   2. check the URL again (pure rules), resolve its host, check EVERY address, and connect to the
 *      address it checked (never a second resolution: no DNS rebinding between check and connect);
 *   3. POST the stored body signed per Standard Webhooks (`standardwebhooks`): webhook-id = the event id
 *      (the same on every attempt and redelivery, so receivers deduplicate), webhook-timestamp = now,
 *      webhook-signature = `v1,<sig>` per live secret (the current one, and the previous one during the
 *      24 h rotation grace), space separated;
 *   4. no redirect is followed (a 3xx is a failed attempt), 10 s timeout, at most 1 KB of the answer kept;
 *   5. record the attempt: delivered, or the next attempt of the schedule (shared/domain/webhooks.ts), or
 *      failed when the 3 days are over; an endpoint failing for 3 days is disabled, its Owner/Admins told.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { config } from '../../config';
import { UseCaseContext } from '../../context';
import {
  ATTEMPT_TIMEOUT_MS,
  MAX_STORED_ATTEMPTS,
  MAX_STORED_RESPONSE_BYTES,
  addressAllowed,
  checkWebhookUrl,
  nextAttemptTime,
  shouldDisable,
  type UrlMode,
} from '../../domain/webhooks';
import { ConcurrentChange } from '../../store/transaction';
import type { DeliveryAttempt, DeliveryStatus, StoredDelivery, StoredWebhook } from '../../store/webhooks';
import { disableWebhook } from './disable';
import { countDelivery } from './metrics';
import { enqueueAttempts } from './queue';
import { systemResolver, type Resolver } from './resolve';
import { openSecret } from './secrets';
import { Logger } from '@aws-lambda-powertools/logger';

const logger = new Logger({ serviceName: 'partnerships' });

export { systemResolver, type Resolver } from './resolve';

export interface AttemptOptions {
  /** The logical clock: what is due, what the record says (tests and the local job move it). */
  now: Date;
  /** DNS (injected by tests). */
  resolve?: Resolver;
  /** The URL rules to apply (default: the service's mode). */
  mode?: UrlMode;
  /**
   * Deployed (the deliverer, from SQS): a message that arrives before the delivery is due (an attempt
   * enqueued before its record committed, then redelivered) goes back with the remaining delay instead
   * of being acknowledged: the queue message is the delivery's only trigger besides the hourly sweep.
   */
  requeueEarly?: boolean;
}

export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'skipped' | 'early';

/** What one HTTP attempt gave. */
interface Sent {
  statusCode?: number;
  error?: string;
  durationMs: number;
  responseBody?: string;
}

/** The signature header: one `v1,<base64>` per live secret. */
export function signatures(secrets: readonly string[], msgId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body)).join(' ');
}

/** The endpoint's secrets that still sign at `now` (the current one, and the previous one in its grace period). */
async function liveSecrets(webhook: StoredWebhook, now: Date): Promise<string[]> {
  const live = webhook.secrets.filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime());
  return Promise.all(live.map((s) => openSecret(s.sealed, webhook.webhookId)));
}

/** Attempts the delivery if it is pending and due at `options.now`. */
export async function attemptDelivery(webhookId: string, deliveryId: string, options: AttemptOptions): Promise<AttemptResult> {
  const { webhooks } = UseCaseContext.forSystem('system:webhooks', options.now).store;
  const delivery = await webhooks.delivery(webhookId, deliveryId);
  if (!delivery || delivery.status !== 'pending') return 'skipped';
  if (delivery.nextAttemptAt && Date.parse(delivery.nextAttemptAt) > options.now.getTime()) {
    if (options.requeueEarly) await enqueueAttempts([{ webhookId, deliveryId, dueAt: delivery.nextAttemptAt }], options.now.getTime());
    return 'early';
  }
  // The delivery's correlation id for everything this attempt causes (disabling: its notification, activity and event).
  const ctx = UseCaseContext.forSystem('system:webhooks', options.now, delivery.correlationId);
  const webhook = await ctx.store.webhooks.get(webhookId);
  const log = logger.createChild({
    persistentLogAttributes: { correlationId: delivery.correlationId, workspaceId: delivery.workspaceId, webhookId, deliveryId },
  });

  const started = Date.now();
  let sent: Sent;
  if (!webhook || webhook.status !== 'enabled') {
    sent = { error: webhook ? 'endpoint disabled' : 'endpoint deleted', durationMs: 0 };
  } else {
    sent = await send(webhook, delivery, options);
  }
  const at = ctx.at;
  const attempt: DeliveryAttempt = { at, durationMs: sent.durationMs || Date.now() - started };
  if (sent.statusCode !== undefined) attempt.statusCode = sent.statusCode;
  if (sent.error !== undefined) attempt.error = sent.error;
  if (sent.responseBody) attempt.responseBody = sent.responseBody;

  const ok = sent.statusCode !== undefined && sent.statusCode >= 200 && sent.statusCode < 300;
  const firstAttemptAt = delivery.firstAttemptAt ?? at;
  const made = delivery.attempts.filter((a) => Date.parse(a.at) >= Date.parse(firstAttemptAt)).length + 1;
  const endpointGone = !webhook || webhook.status !== 'enabled';
  const next = ok || endpointGone ? undefined : nextAttemptTime(Date.parse(firstAttemptAt), options.now.getTime(), made);
  const status: DeliveryStatus = ok ? 'delivered' : next === undefined ? 'failed' : 'pending';
  const nextAttemptAt = next === undefined ? null : new Date(next).toISOString();

  // The next attempt is enqueued BEFORE its record commits: a crash between the two leaves the current
  // message unacknowledged (it comes back and is attempted again), never a pending delivery without a
  // message. A message that then arrives early is sent back with the remaining delay (requeueEarly).
  if (nextAttemptAt) await enqueueAttempts([{ webhookId, deliveryId, dueAt: nextAttemptAt }], options.now.getTime());
  for (let n = 1; ; n++) {
    const tx = ctx.store.transaction();
    webhooks.recordAttempt(tx, delivery, { attempt, status, nextAttemptAt, firstAttemptAt }, MAX_STORED_ATTEMPTS);
    try {
      await tx.commit();
      break;
    } catch (error) {
      // A conflict with another transaction (no condition failed): the same write again.
      if (error instanceof ConcurrentChange && error.condition === undefined && n < 4) {
        await new Promise((r) => setTimeout(r, 10 * n));
        continue;
      }
      // Another attempt of the same delivery recorded first (at least once): its record stands.
      log.warn('delivery attempt not recorded: the delivery changed meanwhile', { error: (error as Error).name });
      return 'skipped';
    }
  }
  log.info('webhook delivery attempt', { outcome: status, statusCode: sent.statusCode, error: sent.error, attempt: made, nextAttemptAt });

  if (webhook && !endpointGone) {
    // Written only when it changes something worth a write: not failing any more, or an hour since it last said so.
    if (ok) {
      const stale = !webhook.lastDeliveredAt || Date.parse(at) - Date.parse(webhook.lastDeliveredAt) > 3_600_000;
      if (webhook.failingSince !== null || stale) await webhooks.markDelivering(webhookId, at);
    } else {
      const failingSince = webhook.failingSince ?? at;
      if (!webhook.failingSince) await webhooks.markFailing(webhookId, at);
      if (shouldDisable(Date.parse(failingSince), options.now.getTime())) await disableWebhook(ctx, webhook, delivery.correlationId);
    }
  }
  countDelivery(ok ? 'delivered' : status === 'failed' ? 'failed' : 'retried');
  return ok ? 'delivered' : status === 'failed' ? 'failed' : 'retry';
}

async function send(webhook: StoredWebhook, delivery: StoredDelivery, options: AttemptOptions): Promise<Sent> {
  const mode = options.mode ?? config().mode;
  const verdict = checkWebhookUrl(webhook.url, mode);
  if (!verdict.allowed) return { error: `url not allowed: ${verdict.reason}`, durationMs: 0 };
  const { url, host } = verdict;
  const localException = mode === 'local' && url.protocol === 'http:';
  let addresses: ReadonlyArray<{ address: string; family: number }>;
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return { error: `could not resolve ${host}`, durationMs: 0 };
  }
  const target = addresses[0];
  if (!target) return { error: `could not resolve ${host}`, durationMs: 0 };
  const refused = localException ? undefined : addresses.find((a) => !addressAllowed(a.address));
  if (refused) return { error: `url not allowed: ${host} resolves to ${refused.address}, not a public address`, durationMs: 0 };

  const secrets = await liveSecrets(webhook, options.now);
  // One timestamp for the header and the signature (a receiver verifies the one against the other).
  const signedAt = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'partnerships-webhooks/1',
    'webhook-id': delivery.eventId,
    'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
    'webhook-signature': signatures(secrets, delivery.eventId, signedAt, delivery.body),
  };
  return post(url, target, headers, delivery.body);
}

/** POSTs to the checked address (Host and TLS name from the URL); no redirects, 10 s in all, 1 KB of the answer. */
function post(url: URL, target: { address: string; family: number }, headers: Record<string, string>, body: string): Promise<Sent> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<Sent>((resolve) => {
    let settled = false;
    const done = (sent: Omit<Sent, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...sent, durationMs: elapsed() });
    };
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)({
      host: target.address,
      family: target.family,
      port: url.port || (https ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
      ...(https ? { servername: url.hostname.replace(/^\[(.*)\]$/, '$1') } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: `timeout after ${ATTEMPT_TIMEOUT_MS / 1000} s` });
    }, ATTEMPT_TIMEOUT_MS);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_STORED_RESPONSE_BYTES).toString('utf8');
        done({ statusCode: res.statusCode, ...(text ? { responseBody: text } : {}) });
      };
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_STORED_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_STORED_RESPONSE_BYTES) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', (error: NodeJS.ErrnoException) => done({ error: `connection failed${error.code ? ` (${error.code})` : ''}` }));
    req.end(body);
  });
}
