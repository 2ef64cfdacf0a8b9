/**
 * The configuration the functions read, set before any handler module loads. Integration tests get
 * the endpoint and table from the global setup; unit tests never reach DynamoDB (a closed port).
 */
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { useLocalEnvironment } from '../../local/environment.ts';

useLocalEnvironment({
  tableName: inject('tableName') ?? 'connections-test',
  dynamoDbEndpoint: inject('dynamoDbEndpoint') ?? 'http://127.0.0.1:1',
  pageTokenSecret: 'test-page-token-secret',
});
// The topology functions serve the page's built files; handler tests get a small stand-in.
process.env.TOPOLOGY_ASSETS_DIR ??= fileURLToPath(new URL('../fixtures/topology-page/', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint?: string;
    /** The integration suite's table: its own per run on an external DynamoDB. */
    tableName?: string;
    apiUrl: string;
    /** Set when the suite runs against a deployed stack: one token, no local secret. */
    apiToken?: string;
    jwtSecret?: string;
    /** Where the local server appends events (not set against a deployed stack). */
    eventsFile?: string;
  }
}
