/**
 * The configuration the functions read, set before anything loads a handler (imported first: the
 * functions read it once, at import). DYNAMODB_ENDPOINT follows once DynamoDB Local runs.
 */
import { useLocalEnvironment } from '../local/environment.ts';

useLocalEnvironment({ tableName: 'connections-bench', pageTokenSecret: 'bench-page-token-secret' });
