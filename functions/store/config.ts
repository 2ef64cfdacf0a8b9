/**
 * Configuration, read once when a function starts. A missing required value stops the function at
 * once rather than failing on some later request.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

export interface Config {
  readonly tableName: string;
  /** Seals paging tokens; rotate it and outstanding tokens answer 400 INVALID_NEXT_TOKEN. */
  readonly pageTokenSecret: string;
  /** Set for DynamoDB Local or LocalStack; unset in AWS. */
  readonly dynamoDbEndpoint: string | undefined;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= {
    tableName: required('TABLE_NAME'),
    pageTokenSecret: required('PAGE_TOKEN_SECRET'),
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  };
  return cached;
}
