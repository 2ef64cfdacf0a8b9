/**
 * The settings of this round, as a stack synthesized with each of them given lands them where they
 * act: the sweep's per-run limit on the sweep function, the retention on every function that
 * writes connections or history, the batching window on the publisher's event source, the warm
 * throughput on the table and its indexes. With none given, the functions keep their own defaults.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { writes } from '../../functions/route-table/shape.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

const LAMBDA = 'AWS::Lambda::Function';
let plain: Synthesized;
let tuned: Synthesized;
beforeAll(() => {
  plain = synthesize();
  tuned = synthesize({
    context: {
      sweepBatchLimit: '20',
      deletedRetentionDays: '30',
      historyRetentionDays: '0',
      publisherBatchingWindowSeconds: '0',
      warmThroughput: '{"table":{"writeUnitsPerSecond":40000},"byDeadline":{"writeUnitsPerSecond":20000}}',
    },
  });
}, 2 * SYNTH_TIMEOUT);

const variables = (s: Synthesized, fn: object, expected: Record<string, unknown>) =>
  s.of(fn).hasResourceProperties(LAMBDA, { Environment: { Variables: expected } });

describe('the sweep’s per-run limit', () => {
  it('is SWEEP_BATCH_LIMIT on the sweep function when given, and left to it otherwise', () => {
    variables(plain, plain.stack.deadlines.function, { SWEEP_BATCH_LIMIT: Match.absent() });
    variables(tuned, tuned.stack.deadlines.function, { SWEEP_BATCH_LIMIT: '20' });
  });
});

describe('retention', () => {
  it('reaches every function that writes connections, the sweep included, and no other', () => {
    for (const s of [plain, tuned]) {
      const expected = s === plain ? { deleted: '90', history: '400' } : { deleted: '30', history: '0' };
      const written = { DELETED_RETENTION_DAYS: expected.deleted, HISTORY_RETENTION_DAYS: expected.history };
      for (const route of ROUTES)
        variables(
          s,
          s.stack.functions.get(route.id)!,
          writes(route.data)
            ? written
            : { DELETED_RETENTION_DAYS: Match.absent(), HISTORY_RETENTION_DAYS: Match.absent() },
        );
      variables(s, s.stack.deadlines.function, written);
    }
  });
});

describe('the publisher’s batching window', () => {
  it('is what the setting says', () => {
    tuned.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 0 });
  });
});

describe('warm throughput', () => {
  it('lands on the table and on the index named, and nowhere else', () => {
    tuned.template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: { WriteUnitsPerSecond: 40_000 },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'byStatus', WarmThroughput: Match.absent() }),
        Match.objectLike({ IndexName: 'byDeadline', WarmThroughput: { WriteUnitsPerSecond: 20_000 } }),
      ]),
    });
    plain.template.hasResourceProperties('AWS::DynamoDB::Table', { WarmThroughput: Match.absent() });
  });
});
