/**
 * The table construct on its own, in a bare stack: built from the one table definition, on demand,
 * recoverable, protected from deletion, kept when the stack goes, with the change stream and TTL the
 * service relies on, and index entries that hold the list row (never `details`) or, for the
 * deadline index, the keys alone.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SYNTH_TIMEOUT } from './support/synth.ts';
import { beforeAll, expect, it } from 'vitest';
import { TABLE, type IndexDefinition } from '#store/table-definition.ts';
import { ConnectionsTable } from '../../lib/connections-table.ts';

let stack: Stack;
let construct: ConnectionsTable;
let template: Template;
beforeAll(() => {
  stack = new Stack(new App(), 'Bare');
  construct = new ConnectionsTable(stack, 'Connections');
  template = Template.fromStack(stack);
}, SYNTH_TIMEOUT);

const TYPE = 'AWS::DynamoDB::Table';
const keySchema = (partitionKey: string, sortKey: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
];
const indexes = Object.values(TABLE.indexes) as IndexDefinition[];

it('is one table, with the keys of the table definition, every key attribute a string', () => {
  template.resourceCountIs(TYPE, 1);
  template.hasResourceProperties(TYPE, {
    KeySchema: keySchema(TABLE.partitionKey, TABLE.sortKey),
    AttributeDefinitions: Match.arrayWith([{ AttributeName: TABLE.partitionKey, AttributeType: 'S' }]),
  });
  const definitions = template.findResources(TYPE)[stack.getLogicalId(construct.table.node.defaultChild as never)]!
    .Properties.AttributeDefinitions as { AttributeType: string }[];
  expect(new Set(definitions.map((d) => d.AttributeType))).toEqual(new Set(['S']));
});

it('has exactly the indexes of the table definition: each the row attributes without details, the deadline index its keys', () => {
  template.hasResourceProperties(TYPE, {
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection:
        index.projection === 'KEYS_ONLY'
          ? { ProjectionType: 'KEYS_ONLY' }
          : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.projection] },
    })),
  });
  expect(TABLE.projection).not.toContain('details');
  // DynamoDB allows 100 projected attributes over all of a table's indexes.
  expect(indexes.filter((index) => !index.projection).length * TABLE.projection.length).toBeLessThanOrEqual(100);
});

it('keeps the deadline index to keys alone: a status change writes a few hundred bytes there', () => {
  template.hasResourceProperties(TYPE, {
    GlobalSecondaryIndexes: Match.arrayWith([
      Match.objectLike({ IndexName: 'byDeadline', Projection: { ProjectionType: 'KEYS_ONLY' } }),
    ]),
  });
});

it('is on demand, with point-in-time recovery and deletion protection', () => {
  template.hasResourceProperties(TYPE, {
    BillingMode: 'PAY_PER_REQUEST',
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    DeletionProtectionEnabled: true,
  });
});

it('is retained when the stack is deleted or the table replaced, and has no fixed name', () => {
  template.hasResource(TYPE, {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: Match.objectLike({ TableName: Match.absent() }),
  });
});

it('streams new and old images, and expires items by expiresAt', () => {
  expect(TABLE.stream).toBe('NEW_AND_OLD_IMAGES');
  template.hasResourceProperties(TYPE, {
    StreamSpecification: { StreamViewType: TABLE.stream },
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  });
});

it('has DynamoDB’s own warm throughput unless given more, for the table and for each index', () => {
  const table = template.findResources(TYPE)[stack.getLogicalId(construct.table.node.defaultChild as never)]!;
  expect(table.Properties.WarmThroughput).toBeUndefined();
  expect(
    (table.Properties.GlobalSecondaryIndexes as { WarmThroughput?: unknown }[]).every((i) => !i.WarmThroughput),
  ).toBe(true);

  const warm = new Stack(new App(), 'Warm');
  new ConnectionsTable(warm, 'Connections', {
    warmThroughput: {
      table: { writeUnitsPerSecond: 40_000 },
      byStatus: { readUnitsPerSecond: 20_000, writeUnitsPerSecond: 16_000 },
    },
  });
  const warmed = Template.fromStack(warm);
  warmed.hasResourceProperties(TYPE, {
    WarmThroughput: { WriteUnitsPerSecond: 40_000 },
    GlobalSecondaryIndexes: Match.arrayWith([
      Match.objectLike({ IndexName: 'bySource', WarmThroughput: Match.absent() }),
      Match.objectLike({
        IndexName: 'byStatus',
        WarmThroughput: { ReadUnitsPerSecond: 20_000, WriteUnitsPerSecond: 16_000 },
      }),
    ]),
  });
});

it('names an index ARN per index for Query grants, never index/*', () => {
  expect(stack.resolve(construct.indexArn('bySource'))).toEqual({
    'Fn::Join': [
      '',
      [{ 'Fn::GetAtt': [stack.getLogicalId(construct.table.node.defaultChild as never), 'Arn'] }, '/index/bySource'],
    ],
  });
});
