/**
 * The service's one DynamoDB table, built from shared/table.ts (the local runtime builds DynamoDB
 * Local's table from the same description): on-demand, point-in-time recovery, TTL, a NEW_IMAGE
 * stream (notification delivery reads it), retained when the stack is deleted.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/store/table';

/** What a 'read' function may do: never Scan (SPEC §8), so never grantReadData (it includes Scan). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
/** Added for 'readWrite'. TransactWriteItems is authorized per item action; Powertools idempotency uses these. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** ARNs of the table and of each index of shared/table.ts, by name (no index/* wildcard). */
export function tableReadArns(table: ITable): string[] {
  return [table.tableArn, ...Object.values(TABLE.indexes).map((index) => `${table.tableArn}/index/${index.name}`)];
}

/**
 * The least-privilege table grant every function of the service uses (instead of grantReadData /
 * grantReadWriteData, which include Scan and an index/* wildcard): read = Get/BatchGet/Query on the
 * table and its named indexes; readWrite adds Put/Update/Delete/ConditionCheck on the table.
 */
export function grantTableAccess(grantee: IGrantable, table: ITable, level: 'read' | 'readWrite'): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_READ_ACTIONS], resources: tableReadArns(table) }));
  if (level === 'readWrite') {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_WRITE_ACTIONS], resources: [table.tableArn] }));
  }
}

export class DataTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
  }
}
