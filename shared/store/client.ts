/**
 * The DynamoDB clients: module scope, created on first use (so the local runtime and the tests can
 * set the environment first), reused across invocations. Only shared/store/ sends commands.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBClient {
  if (!rawClient) {
    const cfg = config();
    rawClient = new DynamoDBClient({
      region: cfg.region,
      ...(cfg.dynamoEndpoint ? { endpoint: cfg.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
  }
  return rawClient;
}

export function db(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

export const tableName = (): string => config().tableName;

/** A stored item as DynamoDB returns it; repositories parse it with their entity schema before use. */
export type Item = Record<string, unknown>;
