/**
 * Per test file: its own table in the shared DynamoDB Local (so files run in parallel without
 * seeing each other's data), and the environment the handlers read, set before any handler loads.
 */
import { beforeAll, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ensureTable } from '../../local/dynamodb';
import { resetConfigForTests } from '../../shared/config';

const tableName = `test_${randomBytes(6).toString('hex')}`;
Object.assign(process.env, {
  SERVICE_MODE: 'local',
  DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  TABLE_NAME: tableName,
  AWS_REGION: 'us-east-1',
  CURSOR_SECRET: 'test-cursor-secret',
});
resetConfigForTests();

beforeAll(async () => {
  await ensureTable(inject('dynamoEndpoint'), tableName);
});
