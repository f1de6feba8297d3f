/**
 * Re-sends the notification e-mails whose delivery failed (docs/OPERATIONS.md, NotificationDeadLetters):
 *
 *   TABLE_NAME=... SENDER_EMAIL=... APP_URL=... AWS_REGION=... \
 *     npx tsx scripts/ops/redeliver-notifications.ts <keys.json> [--dry-run]
 *
 * `keys.json`: the keys the delivery function logged with "notification delivery failed" (a JSON array
 * or JSON lines of `{"pk": "NOTE#...", "sk": "..."}`: the CloudWatch Logs Insights export of
 * `filter message = "notification delivery failed" | fields pk, sk`). Each item still `pending` is
 * delivered again by the delivery function's own code (functions/notifications/deliver.ts: rendered,
 * sent by SES, marked delivered); delivered or gone items are skipped. Prints one JSON line per key.
 */
import { readFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';

process.env.CURSOR_SECRET ??= 'unused-by-redeliver-notifications';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const file = args.find((a) => !a.startsWith('--'));
if (!file || !process.env.TABLE_NAME) {
  console.error(
    'usage: TABLE_NAME=<table> SENDER_EMAIL=<from> APP_URL=<url> npx tsx scripts/ops/redeliver-notifications.ts <keys.json> [--dry-run]',
  );
  process.exit(2);
}

const text = readFileSync(file, 'utf8').trim();
const parsed: unknown = text.startsWith('[')
  ? JSON.parse(text)
  : text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
const keys = (parsed as Array<{ pk?: unknown; sk?: unknown }>).filter(
  (k): k is { pk: string; sk: string } => typeof k.pk === 'string' && k.pk.startsWith('NOTE#') && typeof k.sk === 'string',
);

// Imported after the environment is read: the delivery module requires SENDER_EMAIL and APP_URL.
const { notificationItem, redeliveryOf } = await import('../../shared/store/activity');
const { deliver } = dryRun ? { deliver: undefined } : await import('../../functions/notifications/deliver');

let sent = 0;
for (const [i, key] of keys.entries()) {
  const item = await notificationItem(key);
  const plan = redeliveryOf(item);
  if (plan !== 'redeliver' || !item || !deliver) {
    console.log(JSON.stringify({ ...key, plan, dryRun }));
    continue;
  }
  const event: DynamoDBStreamEvent = {
    Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: String(i), NewImage: marshall(item) as never } }],
  };
  const result = await deliver(event);
  const ok = result.batchItemFailures.length === 0;
  if (ok) sent += 1;
  console.log(JSON.stringify({ ...key, plan, done: ok ? 'sent' : 'failed again (see the log line above)' }));
}
console.log(JSON.stringify({ keys: keys.length, sent, dryRun }));
