/** GET /openapi.json: the OpenAPI 3.1 document, built once per process from the route table and schemas. */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { openApiDocument } from '../docs/openapi.ts';

const document = openApiDocument();

export const handler = endpoint(routes.getOpenApi, async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
