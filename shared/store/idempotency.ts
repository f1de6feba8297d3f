/**
 * Where Powertools idempotency records live: the service table, under one static partition (sort key
 * = the hashed, scoped idempotency key), expiring by TTL after 24 h (SPEC §1).
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoClient, tableName } from './client';
import { IDEMPOTENCY_PARTITION } from './keys';
import { TABLE } from './table';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export function idempotencyPersistence(): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: tableName(),
    keyAttr: TABLE.partitionKey,
    sortKeyAttr: TABLE.sortKey,
    staticPkValue: IDEMPOTENCY_PARTITION,
    expiryAttr: TABLE.ttlAttribute,
    awsSdkV3Client: dynamoClient(),
  });
}

/** @param eventKeyJmesPath where the scoped key is in the event */
export function idempotencyConfig(eventKeyJmesPath: string): IdempotencyConfig {
  return new IdempotencyConfig({ eventKeyJmesPath, payloadValidationJmesPath: 'body', expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS });
}
