/**
 * Reading the table directly, where a test checks stored state the API does not show: one item by
 * key, the notifications recorded for an address, every row (a Scan: tests and bench seeding only).
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { listNotifications } from '../../shared/store/activity';
import { db, tableName, type Item } from '../../shared/store/client';
import { keys, type Key } from '../../shared/store/keys';
import type { Actor } from './api';

/** The stored item (consistent read), as DynamoDB returns it. */
export async function readItem(key: Key): Promise<Record<string, any> | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return out.Item;
}

export const storedPartnership = (partnershipId: string) => readItem(keys.partnership(partnershipId));

/** The notifications recorded for that user or address, newest first; only `template`'s when given. */
export async function notificationsOf(who: Actor | string, template?: string) {
  const email = typeof who === 'string' ? who : who.email;
  const { items } = await listNotifications(email, { limit: 100 });
  return items.filter((n) => !template || n.template === template);
}

/** Every row of a table, through a client of its own (so fault injection on the service's client never reaches it). */
export async function scanAll(client: DynamoDBClient, table: string, consistent = false): Promise<Item[]> {
  const rows: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: consistent }));
    for (const item of out.Items ?? []) rows.push(unmarshall(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}
