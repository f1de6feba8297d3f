/**
 * Webhook bench: 1,000 events fanned out to one endpoint of a workspace, delivered by the local
 * delivery loop (attempts at once, as `npm start` runs them) to a receiver on 127.0.0.1. Prints p50/p99
 * from commit (the fan-out call, standing in for the outbox's commit) to receipt, and the delivery cost
 * per 1,000 events from the DynamoDB writes counted here and the deployed path's SQS/Lambda/KMS
 * requests per delivery, at list prices, on stdout: `npm run bench` runs it and puts that table in
 * docs/COST.md.
 *
 *   node --import tsx bench/webhooks.ts          (BENCH_WEBHOOK_EVENTS=200 for a shorter run)
 */
import './preamble';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedEvent } from '../shared/events/types';
import { attemptDelivery } from '../shared/features/webhooks/deliver';
import { fanOut } from '../shared/features/webhooks/fan-out';
import { registerLocalDeliveryQueue } from '../shared/features/webhooks/queue';
import { newId } from '../shared/ids';
import { dynamoClient } from '../shared/store/client';
import { must } from '../test/support/api';
import { World } from '../test/support/world';
import { startEnvironment } from './environment';
import { formatMs, percentile } from './stats';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 25);
const log = (line: string) => console.error(line);

/** us-east-1 list prices. */
const PRICE = {
  sqsPerMillion: 0.4,
  lambdaGbSecond: 0.0000166667,
  lambdaPerMillion: 0.2,
  wruPerMillion: 0.625,
  rruPerMillion: 0.125,
  kmsPer10k: 0.03,
};

async function main() {
  const env = await startEnvironment();
  const writes = { put: 0, update: 0, transactItems: 0, reads: 0 };
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? '';
      const input = (args as { input?: { TransactItems?: unknown[] } }).input ?? {};
      if (name === 'PutItemCommand') writes.put += 1;
      else if (name === 'UpdateItemCommand') writes.update += 1;
      else if (name === 'TransactWriteItemsCommand') writes.transactItems += input.TransactItems?.length ?? 0;
      else if (/Get|Query/.test(name)) writes.reads += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchWebhookWrites' },
  );
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((r) => (allReceived = r));
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => {
      const at = committedAt.get(id);
      if (at !== undefined && !Number.isNaN(at)) {
        latencies.push(performance.now() - at);
        committedAt.set(id, Number.NaN);
        if (latencies.length === EVENTS) allReceived();
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const world = new World('webhooks');
  const owner = await world.owner();
  const workspaceId = await world.workspaceId();
  await must(
    { actor: owner, method: 'POST', path: `/workspaces/${workspaceId}/webhooks`, body: { url, eventTypes: ['*'] } },
    'create a webhook',
  );
  registerLocalDeliveryQueue((attempts) => {
    for (const a of attempts) void attemptDelivery(a.webhookId, a.deliveryId, { now: new Date() });
  });

  const before = { ...writes };
  const started = performance.now();
  log(`webhooks: ${EVENTS} events -> ${url}`);
  // Offered at a steady rate (BENCH_WEBHOOK_RATE events/s, default 25): the latency of a sustained load,
  // not of a queue of 1,000 events committed at once (DynamoDB Local on 2 cores takes ~40 deliveries/s).
  const batch = 5;
  const intervalMs = (1000 * batch) / RATE;
  for (let i = 0; i < EVENTS; i += batch) {
    const due = started + (i / batch) * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events: RecordedEvent[] = [];
    for (let j = i; j < Math.min(EVENTS, i + batch); j++) {
      const id = newId();
      events.push({
        event: {
          specversion: '1.0',
          id,
          source: '/partnerships',
          type: 'share.created.v1',
          subject: `shares/${j}`,
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          correlationid: newId(),
          data: { partnershipId: 'bench', accountId: `acc${j}` },
        },
        audience: [workspaceId],
      });
      committedAt.set(id, performance.now());
    }
    await fanOut(events);
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
  const totalMs = performance.now() - started;
  // Each attempt records itself after the receiver answered: let the last records land before counting.
  await new Promise((r) => setTimeout(r, 2000));
  registerLocalDeliveryQueue(undefined);
  server.close();

  const n = latencies.length;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const d = {
    put: writes.put - before.put,
    update: writes.update - before.update,
    transactItems: writes.transactItems - before.transactItems,
    reads: writes.reads - before.reads,
  };
  // Items here are < 1 KB: 1 WRU per put/update, 2 per transactional item.
  const wruPerEvent = (d.put + d.update + 2 * d.transactItems) / EVENTS;
  const readsPerEvent = d.reads / EVENTS;
  // Deployed path per delivered event: fan-out queue send+receive+delete, delivery queue send (batched by
  // up to 10 in fan-out) + receive + delete (batched by up to 10): about 3 + 3/10 ... counted conservatively.
  const sqsPerEvent = 3 + 1 + 2 / 10;
  const gbSecondsPerEvent = 0.25 * (0.05 + 0.1); // 256 MB: ~50 ms fan-out share, ~100 ms attempt incl. the receiver
  const invocationsPerEvent = 2 / 10;
  const cost = {
    sqs: ((sqsPerEvent * 1000) / 1e6) * PRICE.sqsPerMillion,
    lambda: gbSecondsPerEvent * 1000 * PRICE.lambdaGbSecond + ((invocationsPerEvent * 1000) / 1e6) * PRICE.lambdaPerMillion,
    dynamoWrites: ((wruPerEvent * 1000) / 1e6) * PRICE.wruPerMillion,
    dynamoReads: ((readsPerEvent * 1000) / 1e6) * PRICE.rruPerMillion,
    kms: (1000 / 10_000) * PRICE.kmsPer10k,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  const lines = [
    '# Webhook delivery: latency and cost per 1,000 events',
    '',
    `Generated by \`node --import tsx bench/webhooks.ts\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, DynamoDB Local, the local delivery loop, a receiver on 127.0.0.1).`,
    '',
    `- ${n} of ${EVENTS} events delivered in ${(totalMs / 1000).toFixed(1)} s, offered at ${RATE} events/s; commit to receipt p50 ${formatMs(p50)} ms, p99 ${formatMs(p99)} ms (target ≤ 2 s: ${p99 <= 2000 ? 'PASS' : 'FAIL'}).`,
    `- Measured per delivered event: ${d.put / EVENTS} PutItem, ${d.update / EVENTS} UpdateItem, ${d.transactItems / EVENTS} transactional items, ${readsPerEvent.toFixed(2)} reads.`,
    '',
    '| item | per 1,000 events | list price | cost |',
    '|---|---|---|---|',
    `| DynamoDB writes (measured; ≤ 1 KB items, transactional items ×2) | ${(wruPerEvent * 1000).toFixed(0)} WRU | $${PRICE.wruPerMillion} / M | $${cost.dynamoWrites.toFixed(5)} |`,
    `| DynamoDB reads (measured requests, ≤ 4 KB) | ${(readsPerEvent * 1000).toFixed(0)} RRU | $${PRICE.rruPerMillion} / M | $${cost.dynamoReads.toFixed(5)} |`,
    `| SQS requests (fan-out queue 3, delivery queue send 1 + batched receive/delete; estimated) | ${(sqsPerEvent * 1000).toFixed(0)} | $${PRICE.sqsPerMillion} / M | $${cost.sqs.toFixed(5)} |`,
    `| Lambda (256 MB, ~150 ms per event over both functions, batches of 10; estimated) | ${(gbSecondsPerEvent * 1000).toFixed(1)} GB-s | $${PRICE.lambdaGbSecond} / GB-s | $${cost.lambda.toFixed(5)} |`,
    `| KMS Decrypt (one per attempt) | 1,000 | $${PRICE.kmsPer10k} / 10k | $${cost.kms.toFixed(5)} |`,
    `| **total** | | | **$${total.toFixed(4)}** |`,
    '',
    'Each retry adds an attempt (one transaction of 1 item, one Decrypt, an SQS hop per 15 minutes of wait).',
    '',
  ];
  console.log(lines.join('\n'));
  await env.stop();
  if (n < EVENTS) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
