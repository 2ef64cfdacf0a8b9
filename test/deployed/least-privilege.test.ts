/**
 * Least privilege both ways, from what the IAM gates of this run saw: no bundle was refused a call
 * (its role grants all it does), and every grant of a gated service (DynamoDB and its stream,
 * EventBridge) was used by some call of some test (its role grants nothing it does not do), but
 * those testkit/iam/rare-grants.ts names, each with the rare path that needs it.
 *
 * It runs after every other file of this layer (test/support/sequencer.ts; the layer runs one file
 * at a time), since it reads what they did. Run alone, it fails: nothing was used.
 */
import { expect, inject, it } from 'vitest';
import type { Template } from '../../testkit/iam/policy.ts';
import { rareGrantsOf } from '../../testkit/iam/rare-grants.ts';
import { SERVICES } from '../../testkit/iam/services.ts';
import { readUsage, refusedCalls, unusedGrants } from '../../testkit/iam/usage.ts';
import { LAMBDA_LOCATION } from '../../testkit/deployed.ts';
import { template } from './support/deployed.ts';
import { callers, DEPLOYED_TABLE } from './support/iam.ts';

const uses = () => readUsage(inject('iamUsageDir'));

it('refused no call of any function: each role grants what its function does', () => {
  expect(refusedCalls(uses())).toEqual([]);
});

it('used every grant of every role on DynamoDB, its stream and EventBridge, but those of the rare paths it names', () => {
  const everyone = [...callers(template() as unknown as Template, inject('deployedStreamArn')).values()];
  const prefixes = Object.values(SERVICES).map((rules) => rules(LAMBDA_LOCATION).actionPrefix);
  const tableArn = `arn:aws:dynamodb:${LAMBDA_LOCATION.region}:${LAMBDA_LOCATION.account}:table/${DEPLOYED_TABLE}`;

  expect(unusedGrants(everyone, uses(), prefixes).sort()).toEqual(rareGrantsOf(tableArn).sort());
});
