/** `npm start`: the whole service locally. PORT (default 3000), DATA_DIR (on-disk DynamoDB Local). */
import { startLocalService } from './runtime';
import { LocalSetupError } from './dynamodb';

const port = Number(process.env.PORT ?? 3000);

try {
  const service = await startLocalService({ port, dataDir: process.env.DATA_DIR || undefined });
  console.log(`Partnerships service running at ${service.url}`);
  console.log(`  health:  GET  ${service.url}/local/health`);
  console.log(`  tokens:  POST ${service.url}/local/tokens {"sub","email"}`);
  console.log(`  openapi: GET  ${service.url}/openapi.json`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (DynamoDB Local too)...`);
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof LocalSetupError || (error instanceof Error && /already in use/.test(error.message))) {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error('Cannot start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
