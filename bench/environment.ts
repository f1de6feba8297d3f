/**
 * The bench's own DynamoDB Local and table, and the environment the handlers read (as
 * local/runtime.ts and test/support/setup.ts set it), set before any handler module loads.
 */
import { ensureTable, localClient, startDynamoLocal, type DynamoLocal } from '../local/dynamodb';
import { resetConfigForTests } from '../shared/config';
import { dynamoClient } from '../shared/store/client';
import { installCounter } from './dynamo-counter';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface BenchEnvironment {
  endpoint: string;
  tableName: string;
  /** A separate raw client (not counted) for seeding and the raw GetItem baseline. */
  raw: DynamoDBClient;
  stop: () => Promise<void>;
}

export async function startEnvironment(): Promise<BenchEnvironment> {
  const dynamo: DynamoLocal = await startDynamoLocal();
  const tableName = 'bench';
  await ensureTable(dynamo.endpoint, tableName);
  Object.assign(process.env, {
    SERVICE_MODE: 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_NAME: tableName,
    AWS_REGION: 'us-east-1',
    CURSOR_SECRET: 'bench-cursor-secret',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'CRITICAL',
    POWERTOOLS_SERVICE_NAME: 'partnerships',
  });
  resetConfigForTests();
  installCounter(dynamoClient());
  const raw = localClient(dynamo.endpoint);
  return {
    endpoint: dynamo.endpoint,
    tableName,
    raw,
    stop: async () => {
      raw.destroy();
      await dynamo.stop();
    },
  };
}
