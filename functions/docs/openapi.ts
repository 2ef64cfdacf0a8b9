/**
 * The OpenAPI 3.1 document, generated from the route table, the endpoint specs and the rules: it
 * describes exactly what the code enforces.
 */
import * as z from 'zod/mini';
import { ROUTES } from '../routes.ts';
import { ENDPOINT_DOCS, type EndpointDoc } from './endpoint-docs.ts';
import { ENDPOINTS, MAX_BODY_BYTES, type EndpointSpec } from '../http/endpoints.ts';
import * as r from './response-schemas.ts';
import * as s from '../http/schemas.ts';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not valid (VALIDATION_FAILED, INVALID_JSON or INVALID_NEXT_TOKEN).',
  401: 'No, bad or expired token (UNAUTHENTICATED).',
  403: 'The token lacks the scope, or the project/environment is not granted (FORBIDDEN).',
  404: 'No such connection here (NOT_FOUND).',
  409: 'A conflict with the current state (DUPLICATE_CONNECTION or INVALID_STATUS_TRANSITION).',
  412: 'If-Match does not match the current version (PRECONDITION_FAILED).',
  413: `The body is over ${MAX_BODY_BYTES} bytes (PAYLOAD_TOO_LARGE).`,
  415: 'The body is not JSON by its content type (UNSUPPORTED_MEDIA_TYPE).',
  422: 'The pair of resource types may not connect (CONNECTION_NOT_ALLOWED).',
  500: 'A bug (INTERNAL); the body reveals no internals.',
  503: 'The database is unreachable or throttling (SERVICE_UNAVAILABLE); see Retry-After.',
};

const toSchema = (schema: z.ZodMiniType): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const NAMED: [string, z.ZodMiniType][] = [
  ['Connection', r.connection],
  ['ConnectionPage', r.connectionPage],
  ['Graph', r.graph],
  ['Problem', r.problem],
  ['CreateConnection', s.createConnectionBody],
  ['UpdateConnection', s.updateConnectionBody],
  ['ConnectionRules', r.connectionRules],
  ['Health', r.health],
];
const ref = (schema: z.ZodMiniType): JsonSchema => {
  const named = NAMED.find(([, candidate]) => candidate === schema);
  return named ? { $ref: `#/components/schemas/${named[0]}` } : toSchema(schema);
};

function parameters(spec: EndpointSpec): JsonSchema[] {
  const list = (where: 'path' | 'query', schema: z.ZodMiniType) => {
    const { properties = {}, required = [] } = toSchema(schema) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(properties).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || required.includes(name),
      schema,
    }));
  };
  return [...list('path', spec.path), ...(spec.query ? list('query', spec.query) : [])];
}

const ETAG = { ETag: { description: 'The version of the connection, quoted.', schema: { type: 'string' } } };
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before repeating the request.', schema: { type: 'string' } },
};

function responses(routeScope: string | null, spec: EndpointSpec, doc: EndpointDoc): JsonSchema {
  const success: JsonSchema = { description: doc.success.description };
  if (doc.success.schema) success.content = { 'application/json': { schema: ref(doc.success.schema) } };
  if (doc.success.mediaType) success.content = { [doc.success.mediaType]: { schema: { type: 'string' } } };
  if (doc.success.schema === r.connection) success.headers = ETAG;
  // A route that reads its query refuses unknown parameters (400); the service routes ignore theirs.
  // Only the routes behind a token meet 401, 403 or the database.
  const refuses = spec.query !== undefined || spec.body !== undefined ? [400] : [];
  const statuses = [...refuses, ...(routeScope ? [401, 403] : []), ...doc.errors, 500, ...(routeScope ? [503] : [])];
  const problems = Object.fromEntries(
    [...new Set(statuses)].sort().map((status) => [
      String(status),
      {
        description: STATUS_TEXT[status],
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
  const unfinished = doc.unfinished && {
    [String(doc.unfinished.status)]: {
      description: doc.unfinished.description,
      headers: RETRY_AFTER,
      ...(doc.unfinished.schema ? { content: { 'application/json': { schema: ref(doc.unfinished.schema) } } } : {}),
    },
  };
  return { [String(doc.success.status)]: success, ...unfinished, ...problems };
}

export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    if (route.method === 'ANY') continue; // the catch-all is no path of the API
    const spec: EndpointSpec = ENDPOINTS[route.id];
    const operation: JsonSchema = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.scope ? 'Connections' : 'Service'],
      security: route.scope ? [{ bearer: [route.scope] }] : [],
      parameters: parameters(spec),
      responses: responses(route.scope, spec, ENDPOINT_DOCS[route.id]),
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(spec.body.mediaTypes.map((type) => [type, { schema: ref(spec.body!.schema) }])),
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Resource Connections API',
      version: '1.0.0',
      description: 'Links the resources of a project environment and tracks each link from pending to connected.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Connections', description: 'Connections between resources.' },
      { name: 'Service', description: 'Unauthenticated service routes.' },
    ],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(NAMED.map(([name, schema]) => [name, toSchema(schema)])),
    },
  };
}
