/**
 * The single DynamoDB table, defined once. The CDK stack (infra/constructs/data-table.ts) and the
 * local runtime (local/dynamodb.ts) both build the table from this description.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes idempotency records, login grants and old outbox rows. */
  ttlAttribute: 'ttl',
  indexes: {
    /** Alternate owner lists: members of a workspace, teams where a user is a partner, partnerships per side... */
    byOwner: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Sparse: only items awaiting a decision carry it; sort key is the next due time (ISO). */
    due: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;

export type TableIndexName = (typeof TABLE.indexes)[keyof typeof TABLE.indexes]['name'];

/** Attribute definitions for CreateTable (all key attributes are strings). */
export function keyAttributeNames(): string[] {
  const names: string[] = [TABLE.partitionKey, TABLE.sortKey];
  for (const index of Object.values(TABLE.indexes)) names.push(index.partitionKey, index.sortKey);
  return names;
}
