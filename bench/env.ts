/**
 * The configuration the functions read, set before anything loads a handler (handlers read it
 * once, at import). DYNAMODB_ENDPOINT follows once DynamoDB Local runs.
 */
process.env.TABLE_NAME = 'connections-bench';
process.env.PAGE_TOKEN_SECRET = 'bench-page-token-secret';
process.env.AWS_REGION = 'local';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
// EMF metric lines would bury the tables; the metrics code still runs.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// Node 20 here; the SDK's notice about its future Node 22 floor is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
