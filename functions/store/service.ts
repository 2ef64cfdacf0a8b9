/** The repository a handler uses, built once per process from the configuration. */
import { config } from './config.ts';
import { documentClient } from './dynamo.ts';
import { ConnectionRepository } from './repository.ts';

let shared: ConnectionRepository | undefined;

export function repository(): ConnectionRepository {
  const { tableName, pageTokenSecret } = config();
  return (shared ??= new ConnectionRepository(documentClient(), tableName, pageTokenSecret));
}
