/**
 * The configuration the functions read, set before any handler module loads. Integration tests get
 * DYNAMODB_ENDPOINT from the global setup; unit tests never reach it.
 */
import { inject } from 'vitest';

process.env.TABLE_NAME = 'connections-test'; // created by dynamodb-global-setup.ts
process.env.PAGE_TOKEN_SECRET ??= 'test-page-token-secret';
process.env.AWS_REGION ??= 'local';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
const endpoint = inject('dynamoDbEndpoint');
process.env.DYNAMODB_ENDPOINT = endpoint ?? 'http://127.0.0.1:1';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint?: string;
    apiUrl: string;
    /** Set when the suite runs against a deployed stack: one token, no local secret. */
    apiToken?: string;
    jwtSecret?: string;
    /** Where the local server appends events (not set against a deployed stack). */
    eventsFile?: string;
  }
}
