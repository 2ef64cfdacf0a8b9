/**
 * The deployed functions run without --enable-source-maps; a logged error must still name the
 * TypeScript source and line. The get-connection bundle from cdk.out, pointed at a table that does
 * not exist, fails its read unexpectedly: 500 INTERNAL, and the log line carries a mapped stack.
 */
import { expect, inject, it } from 'vitest';
import { gatewayEvent } from '../../local/gateway.ts';
import { tokenClaims } from '../../testkit/gateway-events.ts';
import { routeById } from '../../functions/routes.ts';
import { call, deployedFunction, startFunction } from './support/deployed.ts';

it('runs every function without --enable-source-maps', () => {
  const fn = deployedFunction('get-connection');
  expect(fn.environment.NODE_OPTIONS ?? '').not.toMatch(/source-maps/);
});

it('logs an unexpected error with a stack trace naming the .ts file and line', async () => {
  // Straight to DynamoDB Local: in AWS, IAM refuses a table the role does not name before DynamoDB
  // can say it does not exist, and this test is about the stack trace of whatever fails.
  const fn = await startFunction('get-connection', {
    TABLE_NAME: 'no-such-table',
    DYNAMODB_ENDPOINT: inject('deployedDynamoDbEndpoint'),
  });
  try {
    const answer = await call(
      fn,
      gatewayEvent({
        route: routeById('getConnection'),
        path: '/api/acme/dev/resource-connections/01JD3Y6Q9K6V7Z5N8M2C4B1A0E',
        claims: tokenClaims({ projects: ['acme/dev'], scopes: ['connections:read'] }),
        scopes: ['connections:read'],
      }),
    );
    expect(answer.statusCode).toBe(500);
    const logged = fn.jsonLogs().find((line) => line.level === 'ERROR');
    expect(logged, fn.logs.join('\n')).toBeDefined();
    const error = logged!.error as { name: string; stack: string; location: string };
    expect(error.name).toBe('ResourceNotFoundException');
    // The read itself, in the store, by file and line: what an on-call engineer opens.
    expect(error.stack).toMatch(/\(functions\/store\/[\w/-]+\.ts:\d+:\d+\)/);
    expect(error.location).toMatch(/\.(ts|js):\d+$/);
    // No frame is left pointing into the minified bundle.
    expect(error.stack).not.toMatch(/index\.mjs:\d+/);
  } finally {
    await fn.stop();
  }
});
