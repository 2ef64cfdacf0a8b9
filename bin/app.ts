/**
 * The CDK app: one stack with the whole service, checked by cdk-nag's AWS Solutions rules. Any
 * unacknowledged finding fails synth (and so deploy). Settings: docs/deploy.md.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ResourceConnectionsStack } from '../lib/resource-connections-stack.ts';
import { readSettings } from '../lib/settings.ts';

const app = new App();
// Environment-agnostic on purpose: nothing is looked up, so synth needs no AWS credentials.
new ResourceConnectionsStack(app, 'ResourceConnections', {
  description: 'Resource Connections API: HTTP API, one Lambda per route, one DynamoDB table',
  settings: readSettings(app.node),
});
Tags.of(app).add('service', 'resource-connections');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
