/**
 * The whole service, locally, in one process: DynamoDB Local, the table, the token authority, the
 * HTTP server over the real handlers, the local-only endpoints (§9), and (issue 4) the state machine
 * runner and the scheduled job.
 */
import type { AddressInfo } from 'node:net';
import { ensureTable, startDynamoLocal, type DynamoLocal } from './dynamodb';
import { createTokenAuthority, type TokenAuthority } from './tokens';
import { createLocalServer, json, type LocalEndpoint } from './server';
import { resetConfigForTests } from '../shared/config';
import { buildOpenApi } from '../shared/openapi/document';
import * as z from 'zod/mini';
import { errorResponse } from '../shared/http/errors';
import { email } from '../shared/http/schemas';

export interface LocalServiceOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  tableName?: string;
  /** Reuse a running DynamoDB Local (tests). */
  dynamoEndpoint?: string;
}

export interface LocalService {
  url: string;
  tokens: TokenAuthority;
  dynamoEndpoint: string;
  stop: () => Promise<void>;
}

const tokenRequest = z.strictObject({ sub: z.string().check(z.minLength(1), z.maxLength(128)), email: email() });

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  let dynamo: DynamoLocal | undefined;
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoLocal({ dataDir: options.dataDir })).endpoint;
  const tableName = options.tableName ?? 'partnerships';
  try {
    await ensureTable(dynamoEndpoint, tableName);
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
  // Handlers read their configuration from the environment, as they do in Lambda.
  Object.assign(process.env, {
    SERVICE_MODE: 'local',
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    TABLE_NAME: tableName,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  });
  resetConfigForTests();

  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  const tokens = await createTokenAuthority(`http://localhost:${port}/local`);
  const endpoints = new Map<string, LocalEndpoint>();
  let ready = false;

  endpoints.set('GET /local/health', async () =>
    ready ? json(200, { status: 'ok', dynamodb: dynamoEndpoint }) : json(503, { status: 'starting' }),
  );
  endpoints.set('POST /local/tokens', async ({ body }) => {
    const parsed = tokenRequest.safeParse(body ?? {});
    if (!parsed.success) {
      return errorResponse(400, 'validation_failed', 'Give {sub, email}.', parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', issue: i.code })));
    }
    return json(201, { token: await tokens.issue(parsed.data) });
  });
  endpoints.set('GET /openapi.json', async () => json(200, buildOpenApi()));

  const server = createLocalServer({ tokens, endpoints });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  }).catch(async (error: NodeJS.ErrnoException) => {
    await dynamo?.stop();
    if (error.code === 'EADDRINUSE') throw new Error(`Port ${port} is already in use: set PORT to a free port.`);
    throw error;
  });
  const actualPort = (server.address() as AddressInfo).port;
  ready = true;

  return {
    url: `http://${host}:${actualPort}`,
    tokens,
    dynamoEndpoint,
    stop: async () => {
      ready = false;
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await dynamo?.stop();
    },
  };
}
