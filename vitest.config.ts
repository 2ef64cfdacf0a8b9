import { defineConfig } from 'vitest/config';
import { RunsLastSequencer } from './test/support/sequencer.ts';

/**
 * Six suites, one per level: unit (no network), integration (DynamoDB Local, started once per
 * run, a table per file), api (real HTTP against the local server, or API_URL), deployed (the bundles of `cdk synth`
 * run as Lambda runs them), browser (the topology page in headless Chromium) and infra (the
 * synthesized template).
 *
 * They run in five waves (`sequence.groupOrder`): the CPU-only suites, then integration alone,
 * then the calls-per-request file by itself (integration-alone), then the suites behind a server,
 * then the bundles one file at a time (the last file checks what the others did with IAM).
 * All at once, on a two-core CI machine, DynamoDB Local starved and requests passed the functions'
 * 2 s DynamoDB timeout: tests then failed on the machine, not on the code.
 */
// These machines run Node 20; the SDK's notice about its future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// EMF metric lines on stdout would bury test output; the metrics code still runs.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** Integration files that run after the others, by themselves: calls per request. */
const ALONE = ['test/integration/request-costs.test.ts'];
const INTEGRATION = {
  globalSetup: ['test/support/dynamodb-global-setup.ts'],
  setupFiles: ['test/support/env.ts', 'test/support/own-table.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    sequence: { sequencer: RunsLastSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/env.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          exclude: ALONE,
          ...INTEGRATION,
        },
      },
      {
        test: {
          // What a request sends depends on its time budget (the cascade stops at 20 s): measured
          // beside the suites that read thousands of items, DynamoDB Local slowed it 16-fold.
          name: 'integration-alone',
          sequence: { groupOrder: 2 },
          include: ALONE,
          ...INTEGRATION,
        },
      },
      {
        test: {
          name: 'api',
          sequence: { groupOrder: 3 },
          include: ['test/api/**/*.test.ts'],
          globalSetup: ['test/support/api-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The bundles of one `cdk synth` per run, each in its own process, as Lambda runs them,
          // one file at a time: the least-privilege check runs last, on what the others did.
          name: 'deployed',
          sequence: { groupOrder: 4 },
          fileParallelism: false,
          include: ['test/deployed/**/*.test.ts'],
          globalSetup: ['test/deployed/support/global-setup.ts'],
          setupFiles: ['test/deployed/support/env.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // The topology page in headless Chromium, against its own local server.
          name: 'browser',
          sequence: { groupOrder: 3 },
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/api-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          sequence: { groupOrder: 0 },
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
