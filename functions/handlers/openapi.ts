/** GET /openapi.json: the OpenAPI 3.1 document, built once per process from the route table and schemas. */
import { endpoint, json } from '../shared/http.ts';
import { openApiDocument } from '../shared/openapi.ts';

const document = openApiDocument();

export const handler = endpoint('getOpenApi', async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
