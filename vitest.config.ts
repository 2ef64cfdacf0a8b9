import { defineConfig } from 'vitest/config';

/**
 * Six suites, one per level: unit (no network), integration (DynamoDB Local, started once per
 * run, a table per file), api (real HTTP against the local server, or API_URL), deployed (the bundles of `cdk synth`
 * run as Lambda runs them), browser (the topology page in headless Chromium) and infra (the
 * synthesized template).
 */
// These machines run Node 20; the SDK's notice about its future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// EMF metric lines on stdout would bury test output; the metrics code still runs.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/env.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          setupFiles: ['test/support/env.ts', 'test/support/own-table.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api',
          include: ['test/api/**/*.test.ts'],
          globalSetup: ['test/support/api-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The bundles of one `cdk synth` per run, each in its own process, as Lambda runs them.
          name: 'deployed',
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
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/api-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
