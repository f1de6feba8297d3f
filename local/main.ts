/** `npm start`: the whole service locally. PORT (default 3000), DATA_DIR (on-disk DynamoDB Local). */
import { startLocalService } from './runtime';
import { LocalSetupError } from './dynamodb';

const port = Number(process.env.PORT ?? 3000);

// A signal that arrives while starting must still stop DynamoDB Local: remember it until started.
let stopRequested: string | undefined;
const early = (signal: string) => (stopRequested = signal);
process.on('SIGINT', early);
process.on('SIGTERM', early);

try {
  const service = await startLocalService({ port, dataDir: process.env.DATA_DIR || undefined });
  console.log(`Partnerships service running at ${service.url}`);
  console.log(`  health:  GET  ${service.url}/local/health`);
  console.log(`  tokens:  POST ${service.url}/local/tokens {"sub","email"}`);
  console.log(`  openapi: GET  ${service.url}/openapi.json`);
  console.log(`  docs:    GET  ${service.url}/docs (the API reference)`);
  console.log(`  outbox:  GET  ${service.url}/local/outbox?to=<email>`);
  console.log(`  events:  GET  ${service.url}/local/events?workspaceId=<id>[&type=<event type>]`);
  console.log(`  job:     POST ${service.url}/local/jobs/reminders {"now"?}`);
  console.log(`  metrics: GET  ${service.url}/local/metrics (EMF lines are printed on stdout too)`);
  console.log(
    `  workflow: GET ${service.url}/local/workflow?execution=<partnershipId>` +
      ` (state machine synthesized in ${service.timings.workflowSynthMs} ms, ready in ${service.timings.workflowReadyMs} ms)`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (DynamoDB Local too)...`);
    await service.stop();
    process.exit(0);
  };
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (stopRequested) void shutdown(stopRequested);
} catch (error) {
  if (error instanceof LocalSetupError || (error instanceof Error && /already in use/.test(error.message))) {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error('Cannot start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
