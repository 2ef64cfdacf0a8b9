/**
 * cdk-nag's AWS Solutions rules on the app, as bin/app.ts registers them: synth passes, and every
 * finding is acknowledged on the one resource it is about, with a reason. No acknowledgement sits on
 * a stack, a construct above a resource, or a resource with no finding.
 */
import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, expect, it } from 'vitest';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

/** The rules this service acknowledges, and why a reviewer accepts each kind. */
const ACCEPTED_RULES = new Map([
  ['AwsSolutions-APIG4', 'the unauthenticated service routes the contract defines, and the 404 catch-all'],
  ['AwsSolutions-IAM5[Resource::*]', 'dynamodb:ListStreams, which has no resource-level permission (events.test.ts)'],
  ['AwsSolutions-SMG4', 'the paging-token key: rotation would break outstanding page tokens'],
  ['AwsSolutions-SQS3', "the publisher's dead-letter queue, which is itself the DLQ"],
]);

interface Acknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
  readonly onResource: boolean;
}

let synth: Synthesized;
beforeAll(() => {
  // Synth throws here if any finding is not acknowledged.
  synth = synthesize({ nag: true });
}, SYNTH_TIMEOUT);

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          rule: id.replace(/^annotation::/i, ''),
          reason,
          onResource: CfnResource.isCfnResource(construct),
        })),
      ),
  );
}

/** Every finding the rules make, acknowledged or not. */
function rawFindings(app: App): { rule: string; path: string }[] {
  const pack = new AwsSolutionsChecks(app);
  // Blind the pack to acknowledgements to see what each one answers for.
  Object.assign(pack, { isAcknowledged: () => false });
  return pack
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((r) => ({ rule: violation.ruleName, path: r.constructPath! })),
    );
}

it('synthesizes with the AWS Solutions checks and leaves no finding unacknowledged', () => {
  expect(new AwsSolutionsChecks(synth.app).validateScope(synth.app).violations).toEqual([]);
});

it('acknowledges each finding on the resource it is about, and nothing else', () => {
  const key = (x: { rule: string; path: string }) => `${x.rule} @ ${x.path}`;
  const findings = rawFindings(synth.app).map(key).sort();
  const acknowledged = acknowledgements(synth.app).map(key).sort();
  expect(findings.length).toBeGreaterThan(0);
  expect(acknowledged).toEqual(findings);
});

it('acknowledges only reviewed kinds of finding, each with a real reason, each on one resource', () => {
  for (const ack of acknowledgements(synth.app)) {
    expect(ACCEPTED_RULES.has(ack.rule), `${ack.rule} on ${ack.path}: review it and add it to ACCEPTED_RULES`).toBe(
      true,
    );
    expect(ack.onResource, `${ack.rule} sits on ${ack.path}, not on a resource`).toBe(true);
    expect(ack.reason.length, `${ack.rule} on ${ack.path} needs a reason`).toBeGreaterThan(60);
  }
});

it('acknowledges a wildcard resource once, on the stream publisher, and no managed policy', () => {
  const iam = acknowledgements(synth.app).filter((ack) => ack.rule.startsWith('AwsSolutions-IAM'));
  expect(iam.map((ack) => [ack.rule, ack.path])).toEqual([
    ['AwsSolutions-IAM5[Resource::*]', `${synth.stack.events.publisher.role!.node.path}/DefaultPolicy/Resource`],
  ]);
});
