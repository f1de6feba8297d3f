/**
 * The DynamoDB clients: module scope, created on first use (so the local runtime and the tests can
 * set the environment first), reused across invocations. Only shared/store/ sends commands.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

let rawClient: DynamoDBClient | undefined;

/**
 * The bench's cost model (bench/cost.ts) reads the capacity each command consumes: with
 * DYNAMODB_RETURN_CONSUMED_CAPACITY=TOTAL (set only by `npm run bench`, before the client is made)
 * every command that accepts it asks for ReturnConsumedCapacity. Unset (deployed, local, tests): the
 * client is built without this middleware and production calls are unchanged.
 */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);
function returnConsumedCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (CAPACITY_COMMANDS.has(String((context as { commandName?: string }).commandName)) && !input.ReturnConsumedCapacity)
        input.ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'initialize', name: 'returnConsumedCapacity', priority: 'low' },
  );
}
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBClient {
  if (!rawClient) {
    const cfg = config();
    rawClient = new DynamoDBClient({
      region: cfg.region,
      ...(cfg.dynamoEndpoint ? { endpoint: cfg.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    if (process.env.DYNAMODB_RETURN_CONSUMED_CAPACITY === 'TOTAL') returnConsumedCapacity(rawClient);
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
