/**
 * The OpenAPI 3.1 document, generated from the route table, the endpoint specs and the rules: it
 * describes exactly what the code enforces.
 */
import * as z from 'zod/mini';
import { ROUTES, type RouteId } from '../routes.ts';
import { ENDPOINT_DOCS, type EndpointDoc, type ResponseHeader } from './endpoint-docs.ts';
import { ENDPOINTS, MAX_BODY_BYTES, type EndpointSpec } from '#http/endpoints.ts';
import * as r from '#model/representations.ts';
import { PROBLEMS, problem } from './problem-schemas.ts';
import * as s from '#model/inputs.ts';
import { MAX_DEADLINE_SECONDS, MIN_DEADLINE_SECONDS } from '#model/vocabulary.ts';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'No, bad or expired token.',
  403: "The token lacks the scope, the project/environment is not granted, or its subject starts with system: (the service's own).",
  404: 'No such connection here.',
  409: 'A conflict with the current state.',
  412: 'If-Match does not match the current version.',
  413: `The body is over ${MAX_BODY_BYTES} bytes.`,
  415: 'The body is not JSON by its content type.',
  422: 'The request cannot be carried out as asked.',
  500: 'A bug; the body reveals no internals.',
  503: 'The database is unreachable or throttling; see Retry-After.',
};

/** `DUPLICATE_CONNECTION` -> `DuplicateConnectionProblem`, the component name of each problem variant. */
const problemName = (code: string) =>
  `${code
    .toLowerCase()
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')}Problem`;
const PROBLEM_VARIANTS = Object.entries(PROBLEMS).map(([code, schema]) => ({
  code,
  name: problemName(code),
  status: schema.shape.status.def.values[0] as number,
  schema: schema as z.ZodMiniType,
}));

const NAMED: [string, z.ZodMiniType][] = [
  ['Connection', r.connection],
  ['ConnectionPage', r.connectionPage],
  ['Graph', r.graph],
  ['Problem', problem],
  ...PROBLEM_VARIANTS.map(({ name, schema }): [string, z.ZodMiniType] => [name, schema]),
  ['CreateConnection', s.createConnectionBody],
  ['UpdateConnection', s.updateConnectionBody],
  ['ConnectionRules', r.connectionRules],
  ['Health', r.health],
];
const nameOf = (schema: unknown) => NAMED.find(([, candidate]) => candidate === schema)?.[0];
const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schema of a zod schema; named schemas inside it become references to their components. */
const toSchema = (schema: z.ZodMiniType): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // Checked by one custom check (model/inputs.ts), which JSON Schema cannot read: its type and bounds, stated here.
      if ((zodSchema as unknown) === s.deadlineSeconds)
        Object.assign(jsonSchema, { type: 'integer', minimum: MIN_DEADLINE_SECONDS, maximum: MAX_DEADLINE_SECONDS });
      // Its refine (at least one member) is, over its fixed members, this.
      if ((zodSchema as unknown) === s.updateConnectionBody) Object.assign(jsonSchema, { minProperties: 1 });
      const name = (zodSchema as unknown) === schema ? undefined : nameOf(zodSchema);
      if (!name) return;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as JsonSchema)[key];
      Object.assign(jsonSchema, componentRef(name));
    },
  }) as JsonSchema;
  return rest;
};
const ref = (schema: z.ZodMiniType): JsonSchema => {
  const name = nameOf(schema);
  return name ? componentRef(name) : toSchema(schema);
};

/** The problems a status can carry, as a union discriminated by `code` (clients generate their error types from it). */
function problemsAt(status: number): JsonSchema {
  const refs = PROBLEM_VARIANTS.filter((variant) => variant.status === status).map(({ name }) => componentRef(name));
  return refs.length === 1 ? refs[0]! : { oneOf: refs };
}

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

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'The ETag of the copy the caller holds: a 304 with no body when it is still the current file.',
  schema: { type: 'string' },
};
const IF_MATCH = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'Act only if the connection is at this version: `"3"`, `W/"3"`, a list of them, or `*`.',
  schema: { type: 'string' },
};
/** The request headers a route reads, besides Authorization. */
const HEADERS: Partial<Record<RouteId, JsonSchema[]>> = {
  createConnection: [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A retry with the same key and body within 24 hours answers the first 201 again. 1-255 printable ASCII characters.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: s.IDEMPOTENCY_KEY.source },
    },
  ],
  updateConnection: [IF_MATCH],
  deleteConnection: [IF_MATCH],
  restoreConnection: [IF_MATCH],
  getTopology: [IF_NONE_MATCH],
  getTopologyAsset: [IF_NONE_MATCH],
};
const text = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema });
const ETAG = { ETag: text('The version of the connection, quoted.') };
const RETRY_AFTER = { 'Retry-After': text('Seconds to wait before repeating the request.') };
/** The headers a success may carry besides a connection's ETag (endpoint-docs.ts names them). */
const RESPONSE_HEADERS: Record<ResponseHeader, Record<string, JsonSchema>> = {
  Location: { Location: text('The path of the new connection.', { type: 'string', format: 'uri-reference' }) },
  'Idempotent-Replayed': {
    'Idempotent-Replayed': text('`true` on a repeat of a create with the same Idempotency-Key; absent otherwise.', {
      type: 'string',
      enum: ['true'],
    }),
  },
  FileETag: { ETag: text('The version of the file, quoted: send it in If-None-Match to have a 304 when unchanged.') },
};

function responses(routeScope: string | null, spec: EndpointSpec, doc: EndpointDoc): JsonSchema {
  const success: JsonSchema = { description: doc.success.description };
  if (doc.success.schema) success.content = { 'application/json': { schema: ref(doc.success.schema) } };
  if (doc.success.mediaTypes)
    success.content = Object.fromEntries(
      doc.success.mediaTypes.map((type) => [type, { schema: { type: type.endsWith('json') ? 'object' : 'string' } }]),
    );
  const headers = {
    ...(doc.success.schema === r.connection ? ETAG : {}),
    ...Object.assign({}, ...(doc.success.headers ?? []).map((name) => RESPONSE_HEADERS[name])),
  };
  if (Object.keys(headers).length > 0) success.headers = headers;
  // A route that reads its query refuses unknown parameters (400); the service routes ignore theirs.
  // Only the routes behind a token meet 401, 403 or the database.
  const refuses = spec.query !== undefined || spec.body !== undefined ? [400] : [];
  const statuses = [...refuses, ...(routeScope ? [401, 403] : []), ...doc.errors, 500, ...(routeScope ? [503] : [])];
  const problems = Object.fromEntries(
    [...new Set(statuses)].sort().map((status) => [
      String(status),
      {
        description: `${STATUS_TEXT[status]} Codes: ${PROBLEM_VARIANTS.filter((v) => v.status === status)
          .map((v) => v.code)
          .join(', ')}.`,
        content: { 'application/problem+json': { schema: problemsAt(status) } },
        ...(status === 503 ? { headers: RETRY_AFTER } : {}),
        ...(status === 401
          ? { headers: { 'WWW-Authenticate': text('The scheme the service asks for: `Bearer`.') } }
          : {}),
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
  const notModified = doc.conditional && {
    '304': {
      description: 'Not modified: If-None-Match names the current file. No body.',
      headers: RESPONSE_HEADERS.FileETag,
    },
  };
  return { [String(doc.success.status)]: success, ...unfinished, ...notModified, ...problems };
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
      parameters: [...parameters(spec), ...(HEADERS[route.id] ?? [])],
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
