/**
 * The stack's template, synthesized in process (no bundling, no credentials): what the cold-start
 * benchmark reads each function's environment from (testkit/deployed.ts), without a `cdk synth`.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceConnectionsStack } from '../lib/resource-connections-stack.ts';
import { readSettings } from '../lib/settings.ts';
import { ROOT } from '../testkit/esbuild.ts';

/** Synthesizes the stack in process (no bundling, no credentials) and returns its template. */
export function synthesizedTemplate(): Record<string, unknown> {
  const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
  const outdir = mkdtempSync(join(tmpdir(), 'rc-deployed-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...context,
        jwtIssuer: 'https://issuer.example.com/',
        jwtAudience: 'resource-connections-api',
        'aws:cdk:bundling-stacks': [],
        // As the CLI does: the construct path of each resource names its function.
        'aws:cdk:enable-path-metadata': true,
      },
    });
    const stack = new ResourceConnectionsStack(app, 'ResourceConnections', { settings: readSettings(app.node, {}) });
    return Template.fromStack(stack).toJSON();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
