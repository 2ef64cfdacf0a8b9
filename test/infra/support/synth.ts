/**
 * Builds the service app in process, the way bin/app.ts does, with cdk.json's context and
 * placeholder identity-provider settings. Nothing is looked up, so no AWS credentials are needed.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '../../../functions/route-table/shape.ts';
import { ResourceConnectionsStack } from '../../../lib/resource-connections-stack.ts';
import { readSettings } from '../../../lib/settings.ts';

export const ROOT = new URL('../../../', import.meta.url).pathname;

/** Placeholders: no token is ever checked in these tests. */
export const TEST_ISSUER = 'https://issuer.example.com/';
export const TEST_AUDIENCE = 'resource-connections-api';

export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface SynthOptions {
  /** Extra context, as `-c key=value` would give. */
  readonly context?: Record<string, unknown>;
  /** Bundle the functions (slow); template assertions do not need the code. @default false */
  readonly bundle?: boolean;
  /** Register cdk-nag as bin/app.ts does. @default false */
  readonly nag?: boolean;
  readonly routes?: readonly Route[];
}

export interface Synthesized {
  readonly app: App;
  readonly stack: ResourceConnectionsStack;
  readonly template: Template;
  /** The template's logical id of a construct's CloudFormation resource. */
  logicalId(construct: { node: { defaultChild?: unknown } } | object): string;
  /**
   * The template of one construct's resource alone, for `hasResourceProperties` about that resource
   * (where the whole template holds many of its type, a function say).
   */
  of(construct: { node: { defaultChild?: unknown } } | object): Template;
}

export function synthesize(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'rc-infra-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      jwtIssuer: TEST_ISSUER,
      jwtAudience: TEST_AUDIENCE,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stack = new ResourceConnectionsStack(app, 'ResourceConnections', {
    settings: readSettings(app.node, {}, options.routes),
    ...(options.routes ? { routes: options.routes } : {}),
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const template = Template.fromStack(stack);
  // The template is in memory now; the cloud assembly on disk is not needed again.
  rmSync(outdir, { recursive: true, force: true });
  const logicalId = (construct: { node: { defaultChild?: unknown } } | object): string => {
    const node = (construct as { node: { defaultChild?: unknown } }).node;
    const resource = (node.defaultChild ?? construct) as Parameters<Stack['getLogicalId']>[0];
    return stack.resolve(stack.getLogicalId(resource)) as string;
  };
  return {
    app,
    stack,
    template,
    logicalId,
    of: (construct) => {
      const id = logicalId(construct);
      const resources = (template.toJSON() as { Resources: Record<string, unknown> }).Resources;
      return Template.fromJSON({ Resources: { [id]: resources[id] } });
    },
  };
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;

export const resourcesOfType = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

/** The infra project sets no hook timeout, and a synth takes seconds: pass this to beforeAll. */
export const SYNTH_TIMEOUT = 120_000;
