/**
 * The table as deployed: built from the one table definition, on demand, recoverable, protected
 * from deletion, kept when the stack goes, with the change stream and TTL the service relies on.
 */
import { beforeAll, expect, it } from 'vitest';
import { TABLE, type IndexDefinition } from '#store/table-definition.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
let table: { Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- template JSON
beforeAll(() => {
  synth = synthesize();
  table = synth.template.toJSON().Resources[synth.logicalId(synth.stack.table.table)];
}, SYNTH_TIMEOUT);

const keySchema = (partitionKey: string, sortKey: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
];

it('has the keys of the table definition, all strings', () => {
  expect(table.Properties.KeySchema).toEqual(keySchema(TABLE.partitionKey, TABLE.sortKey));
  const types = Object.fromEntries(
    (table.Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [
      a.AttributeName,
      a.AttributeType,
    ]),
  );
  for (const type of Object.values(types)) expect(type).toBe('S');
  expect(Object.keys(types)).toContain(TABLE.partitionKey);
});

it('has exactly the indexes of the table definition: each the row attributes without details, the deadline index its keys', () => {
  const expected = (Object.values(TABLE.indexes) as IndexDefinition[]).map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection:
      index.projection === 'KEYS_ONLY'
        ? { ProjectionType: 'KEYS_ONLY' }
        : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.projection] },
  }));
  expect(table.Properties.GlobalSecondaryIndexes).toEqual(expected);
  expect(TABLE.projection).not.toContain('details');
  // DynamoDB allows 100 projected attributes over all of a table's indexes.
  const including = Object.values(TABLE.indexes as Record<string, IndexDefinition>).filter((i) => !i.projection);
  expect(including.length * TABLE.projection.length).toBeLessThanOrEqual(100);
});

it('keeps the deadline index to keys alone: a status change writes a few hundred bytes there', () => {
  const byDeadline = (table.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[]).find(
    (index) => index.IndexName === 'byDeadline',
  );
  expect(byDeadline?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
});

it('is on demand, with point-in-time recovery and deletion protection', () => {
  expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  expect(table.Properties.DeletionProtectionEnabled).toBe(true);
});

it('is retained when the stack is deleted or the table replaced, and has no fixed name', () => {
  expect(table.DeletionPolicy).toBe('Retain');
  expect(table.UpdateReplacePolicy).toBe('Retain');
  expect(table.Properties.TableName).toBeUndefined();
});

it('streams new and old images, and expires items by expiresAt', () => {
  expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: TABLE.stream });
  expect(TABLE.stream).toBe('NEW_AND_OLD_IMAGES');
  expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
});
