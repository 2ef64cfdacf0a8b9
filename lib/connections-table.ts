/**
 * The connections table, built from the one table definition the local server and the tests use too.
 * It holds the service's only state, so it is protected three ways: deletion protection, Retain on
 * stack deletion, and point-in-time recovery. It has no fixed name, so a new stack never collides
 * with a retained table.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { projectionOf, TABLE, type IndexDefinition, type IndexName } from '#store/table-definition.ts';
import type { WarmThroughputSettings } from './settings.ts';

const string = (name: string) => ({ name, type: AttributeType.STRING });

const projection = (index: IndexDefinition) => {
  const { type, attributes } = projectionOf(index);
  return type === 'INCLUDE'
    ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...attributes] }
    : { projectionType: ProjectionType.KEYS_ONLY };
};

export interface ConnectionsTableProps {
  /**
   * Units per second the table and each index serve from the start, above DynamoDB's defaults for
   * a new table (docs/deploy.md says when and how far to raise them). @default DynamoDB's
   */
  readonly warmThroughput?: WarmThroughputSettings;
}

export class ConnectionsTable extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: ConnectionsTableProps = {}) {
    super(scope, id);
    const warm = props.warmThroughput ?? {};
    this.table = new Table(this, 'Table', {
      partitionKey: string(TABLE.partitionKey),
      sortKey: string(TABLE.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: StreamViewType[TABLE.stream],
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      ...(warm.table ? { warmThroughput: warm.table } : {}),
    });
    for (const index of Object.values(TABLE.indexes) as IndexDefinition[]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        // What a list row shows, without details: a status change rewrites small entries only. The
        // deadline index holds keys alone.
        ...projection(index),
        ...(warm[index.indexName as IndexName] ? { warmThroughput: warm[index.indexName as IndexName] } : {}),
      });
    }
  }

  /** The ARN of one index: Query is granted per index, never on `index/*`. */
  indexArn(name: IndexName): string {
    return `${this.table.tableArn}/index/${TABLE.indexes[name].indexName}`;
  }
}
