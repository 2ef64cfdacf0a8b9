/**
 * The configuration the functions read, set before any handler module loads. Integration tests get
 * the endpoint and table from the global setup; unit tests never reach DynamoDB (a closed port).
 */
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { useLocalEnvironment } from '../../local/environment.ts';

useLocalEnvironment({
  // Integration files replace it with a table of their own (own-table.ts).
  tableName: 'connections-test',
  dynamoDbEndpoint: inject('dynamoDbEndpoint') ?? 'http://127.0.0.1:1',
  pageTokenSecret: 'test-page-token-secret',
});
// The topology functions serve the page's built files; handler tests get a small stand-in.
process.env.TOPOLOGY_ASSETS_DIR ??= fileURLToPath(new URL('../fixtures/topology-page/', import.meta.url));
// Where the stack names its Events API. Handlers run in process have none: GET /realtime answers
// these, and the publisher's channel posts fail at once (a closed port) and are logged, as in AWS.
process.env.REALTIME_URL ??= 'wss://127.0.0.1:1/event/realtime';
process.env.REALTIME_HOST ??= '127.0.0.1:1';
process.env.WATCH_PUBLISH_URL ??= 'https://127.0.0.1:1/event';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint?: string;
    /** Every integration table of this run starts with it, so the run can remove them all. */
    tablePrefix?: string;
    apiUrl: string;
    /** Set when the suite runs against a deployed stack: one token, no local secret. */
    apiToken?: string;
    jwtSecret?: string;
    /** Where the local server appends events (not set against a deployed stack). */
    eventsFile?: string;
  }
}
