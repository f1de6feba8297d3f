/**
 * Where due delivery attempts go. Deployed: the webhook delivery queue (SQS), one message per attempt,
 * delayed until it is due (at most 900 s per hop: the deliverer sends a message that is still early
 * back with the remaining delay). Locally: the in-process delivery loop the local runtime registers
 * (first attempts within a second); without one (in-process tests), nothing: the due index keeps every
 * pending delivery and POST /local/jobs/webhooks delivers it.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../../config';

export interface DueAttempt {
  webhookId: string;
  deliveryId: string;
  /** ISO time the attempt is due. */
  dueAt: string;
}

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

export type LocalDeliveryQueue = (attempts: readonly DueAttempt[]) => void;
let localQueue: LocalDeliveryQueue | undefined;

/** The local runtime's delivery loop (undefined: none). */
export function registerLocalDeliveryQueue(queue: LocalDeliveryQueue | undefined): void {
  localQueue = queue;
}

let sqs: SQSClient | undefined;

/** The message delay of an attempt due at `dueAt` (seconds, 0..900). */
export const delaySeconds = (dueAt: string, now: number) =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(dueAt) - now) / 1000)));

export async function enqueueAttempts(attempts: readonly DueAttempt[], now: number = Date.now()): Promise<void> {
  if (attempts.length === 0) return;
  const cfg = config();
  if (cfg.mode === 'local') {
    localQueue?.(attempts);
    return;
  }
  if (!cfg.webhookQueueUrl) throw new Error('webhook deliveries: WEBHOOK_QUEUE_URL is not set');
  sqs ??= new SQSClient({ region: cfg.region });
  for (let i = 0; i < attempts.length; i += 10) {
    const batch = attempts.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: cfg.webhookQueueUrl,
        Entries: batch.map((a, n) => ({ Id: String(n), MessageBody: JSON.stringify(a), DelaySeconds: delaySeconds(a.dueAt, now) })),
      }),
    );
    // A partial failure: the due index still holds those deliveries (pending, with their due time); say so loudly.
    if (out.Failed?.length) throw new Error(`webhook deliveries: ${out.Failed.length} of ${batch.length} messages not queued`);
  }
}
