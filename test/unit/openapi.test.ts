import { describe, expect, it } from 'vitest';
import { ROUTES as ALL_ROUTES } from '../../functions/routes.ts';

/** The API's paths: the $default catch-all is no path of it. */
const ROUTES = ALL_ROUTES.filter((route) => route.method !== 'ANY');
import { openApiDocument } from '../../functions/docs/openapi.ts';
import { RESOURCE_TYPES, STATUSES } from '#model/vocabulary.ts';
import { IDEMPOTENCY_KEY, updateConnectionBody } from '#model/inputs.ts';
import { PROBLEMS } from '../../functions/docs/problem-schemas.ts';

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: { type?: string; enum?: string[]; pattern?: string };
}
interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, string[]>[];
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }
  >;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    securitySchemes: Record<string, unknown>;
  };
}

const doc = openApiDocument() as unknown as Document;
const operationOf = (route: (typeof ROUTES)[number]): Operation => {
  const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
  expect(operation, `${route.method} ${route.path}`).toBeDefined();
  return operation!;
};
const placeholders = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const BASE = '/api/{projectSlug}/{environmentSlug}';

/** The problem codes a response schema admits: each variant's `code` is a constant. */
function problemCodesOf(schema: unknown): string[] {
  const refs = (schema as { oneOf?: { $ref: string }[]; $ref?: string } | undefined) ?? {};
  return (refs.oneOf ?? [refs]).map((one) => {
    const name = String(one.$ref).replace('#/components/schemas/', '');
    const variant = doc.components.schemas[name] as { properties?: { code?: { const?: string } } } | undefined;
    return variant?.properties?.code?.const ?? `unresolved ${name}`;
  });
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer JWT scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it.each(ROUTES.map((route) => ({ ...route, label: `${route.method} ${route.path}` })))(
    'describes $label as $id with its scope',
    (route) => {
      const operation = operationOf(route);

      expect(operation.operationId).toBe(route.id);
      expect(operation.summary).toBe(route.summary);
      expect(operation.security).toEqual(route.scope ? [{ bearer: [route.scope] }] : []);
    },
  );

  it('has no operation that the route table lacks', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(operations.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('uses each operationId once', () => {
    const ids = Object.values(doc.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );

    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ROUTES.map((route) => ({ ...route, label: `${route.method} ${route.path}` })))(
    '$label declares exactly the parameters of its path template, each required',
    (route) => {
      const pathParameters = operationOf(route).parameters.filter((p) => p.in === 'path');

      expect(pathParameters.map((p) => p.name).sort()).toEqual(placeholders(route.path).sort());
      for (const parameter of pathParameters) expect(parameter.required).toBe(true);
    },
  );

  it.each([
    [
      'GET',
      `${BASE}/resource-connections`,
      [
        'sourceResourceType',
        'sourceResourceId',
        'targetResourceType',
        'targetResourceId',
        'status',
        'limit',
        'nextToken',
        'includeDeleted',
      ],
    ],
    [
      'GET',
      `${BASE}/resources/{resourceType}/{resourceId}/connections`,
      ['status', 'limit', 'nextToken', 'includeDeleted'],
    ],
    ['GET', `${BASE}/resource-connections/{connectionId}`, ['includeDeleted']],
    ['POST', `${BASE}/resource-connections`, []],
    ['GET', '/health', []],
  ])('%s %s takes the contract query parameters, all optional', (method, path, names) => {
    const operation = doc.paths[path]?.[method.toLowerCase()];
    const query = operation?.parameters.filter((p) => p.in === 'query') ?? [];

    expect(query.map((p) => p.name).sort()).toEqual([...names].sort());
    for (const parameter of query) expect(parameter.required).toBe(false);
  });

  it('takes the resource and status enums from the rules', () => {
    const resourceRoute = doc.paths[`${BASE}/resources/{resourceType}/{resourceId}/connections`]?.get;
    const list = doc.paths[`${BASE}/resource-connections`]?.get;
    const param = (operation: Operation | undefined, name: string) =>
      operation?.parameters.find((p) => p.name === name)?.schema;

    expect(param(resourceRoute, 'resourceType')?.enum).toEqual([...RESOURCE_TYPES]);
    expect(param(resourceRoute, 'status')?.enum).toEqual([...STATUSES]);
    expect(param(list, 'sourceResourceType')?.enum).toEqual([...RESOURCE_TYPES]);
    expect(param(list, 'targetResourceType')?.enum).toEqual([...RESOURCE_TYPES]);
    expect(param(list, 'status')?.enum).toEqual([...STATUSES]);
    expect(param(list, 'includeDeleted')?.enum).toEqual(['true', 'false']);
    const connection = doc.components.schemas.Connection?.properties;
    expect(connection?.sourceResourceType?.enum).toEqual([...RESOURCE_TYPES]);
    expect(connection?.targetResourceType?.enum).toEqual([...RESOURCE_TYPES]);
    expect(connection?.status?.enum).toEqual([...STATUSES]);
  });

  it('contains the eight contract resource types and five statuses', () => {
    const types = doc.components.schemas.CreateConnection?.properties?.sourceResourceType?.enum ?? [];

    expect([...types].sort()).toEqual([
      'application',
      'bucket_explorer',
      'database',
      'firewall',
      'instance',
      'static_website',
      'storage_bucket',
      'terminal',
    ]);
    expect([...(doc.components.schemas.UpdateConnection?.properties?.status?.enum ?? [])].sort()).toEqual([
      'connected',
      'connecting',
      'disconnected',
      'failed',
      'pending',
    ]);
  });

  it('gives the path patterns of the contract', () => {
    const get = doc.paths[`${BASE}/resources/{resourceType}/{resourceId}/connections`]?.get;
    const pattern = (name: string) => new RegExp(get?.parameters.find((p) => p.name === name)?.schema.pattern ?? '^$');

    expect(pattern('projectSlug').test('acme-1')).toBe(true);
    expect(pattern('projectSlug').test('Acme')).toBe(false);
    expect(pattern('resourceId').test('i-0abc:1@x')).toBe(true);
    expect(pattern('resourceId').test('a#b')).toBe(false);
  });

  it('describes the bodies of create (JSON) and update (JSON or merge patch)', () => {
    const create = doc.paths[`${BASE}/resource-connections`]?.post;
    const update = doc.paths[`${BASE}/resource-connections/{connectionId}`]?.patch;

    expect(Object.keys(create?.requestBody?.content ?? {})).toEqual(['application/json']);
    expect(Object.keys(update?.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/merge-patch+json',
    ]);
    expect(create?.requestBody?.required).toBe(true);
  });

  it.each([
    ['POST', `${BASE}/resource-connections`, '201', ['400', '401', '403', '409', '413', '415', '422']],
    ['GET', `${BASE}/resource-connections`, '200', ['400', '401', '403']],
    ['GET', `${BASE}/resource-connections/{connectionId}`, '200', ['400', '401', '403', '404']],
    [
      'PATCH',
      `${BASE}/resource-connections/{connectionId}`,
      '200',
      ['400', '401', '403', '404', '409', '412', '413', '415'],
    ],
    ['DELETE', `${BASE}/resource-connections/{connectionId}`, '204', ['400', '401', '403', '404', '412']],
    ['GET', '/health', '200', []],
  ])('%s %s answers %s and documents the contract errors %j as problem+json', (method, path, success, errors) => {
    const responses = doc.paths[path]?.[method.toLowerCase()]?.responses ?? {};

    expect(responses[success]).toBeDefined();
    for (const status of [...errors, '500']) {
      const codes = problemCodesOf(responses[status]?.content?.['application/problem+json']?.schema);
      const expected = Object.entries(PROBLEMS).filter(([, variant]) => variant.shape.status.def.values[0] === +status);

      expect(codes.sort()).toEqual(expected.map(([code]) => code).sort());
      expect(responses[status]?.description).toBeTruthy();
    }
  });

  it('declares every error status of every operation as problem+json, a union discriminated by code', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const errors = Object.keys(operation.responses).filter((status) => +status >= 400);
        expect(errors, `${method} ${path}`).toContain('500');
        for (const status of errors) {
          const codes = problemCodesOf(operation.responses[status]!.content?.['application/problem+json']?.schema);
          expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('says everything a route sends: the topology files as JavaScript and CSS, with their ETag and 304', () => {
    const asset = doc.paths['/topology/{asset}']!.get!;
    expect(Object.keys(asset.responses['200']!.content!).sort()).toEqual(['text/css', 'text/javascript']);
    expect(asset.responses['304']).toBeDefined();
    expect(Object.keys(doc.paths['/topology']!.get!.responses['200']!.content!)).toEqual(['text/html']);
    for (const path of ['/topology', '/topology/{asset}'])
      expect(Object.keys(doc.paths[path]!.get!.responses['200']!.headers!)).toEqual(['ETag']);
  });

  it("declares create's Location, ETag and Idempotent-Replayed, and the 401's WWW-Authenticate", () => {
    const create = doc.paths[`${BASE}/resource-connections`]!.post!;
    const headersOf = (status: string) => Object.keys(create.responses[status]!.headers ?? {});
    expect(headersOf('201')).toEqual(['ETag', 'Location', 'Idempotent-Replayed']);
    expect(headersOf('401')).toEqual(['WWW-Authenticate']);
  });

  it('refuses an empty PATCH (minProperties 1), as the service does', () => {
    const schema = doc.components.schemas.UpdateConnection as {
      minProperties?: number;
      additionalProperties?: boolean;
    };
    expect(schema).toMatchObject({ minProperties: 1, additionalProperties: false });
    expect(updateConnectionBody.safeParse({}).success).toBe(false);
  });

  it('holds Idempotency-Key to the printable ASCII the service accepts', () => {
    const header = doc.paths[`${BASE}/resource-connections`]!.post!.parameters.find(
      (p) => p.name === 'Idempotency-Key',
    )!;
    const documented = new RegExp(header.schema.pattern!);
    for (const key of ['a', 'key-1 with spaces ~!', 'x'.repeat(255)]) expect(documented.test(key), key).toBe(true);
    for (const key of ['', 'é', 'tab\there', 'x'.repeat(256)]) expect(documented.test(key), key).toBe(false);
    expect(header.schema.pattern).toBe(IDEMPOTENCY_KEY.source);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);

    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
  });
});
