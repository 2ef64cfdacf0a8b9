/**
 * What the OpenAPI document promises about an answer's headers, checked against the answer: every
 * header the service sends is one the operation declares for that status, except those a client
 * acts on through HTTP itself (transport, caching, browser security), and its content type is one
 * the document lists for that status. The API suite checks every answer it receives with this.
 */
import { openApiDocument } from '../../functions/docs/openapi.ts';
import { matchRoute } from '../../local/gateway.ts';

/** Headers no OpenAPI operation declares: HTTP's own, a gateway's, or the browser's. */
const HTTP_HEADERS = new Set([
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-security-policy',
  'content-type',
  'date',
  'keep-alive',
  'referrer-policy',
  'strict-transport-security',
  'transfer-encoding',
  'vary',
  'x-content-type-options',
  // API Gateway's own, in the cloud.
  'apigw-requestid',
]);

interface Response {
  readonly headers?: Record<string, unknown>;
  readonly content?: Record<string, unknown>;
}
type Operation = { responses: Record<string, Response> };
const paths = (openApiDocument() as { paths: Record<string, Record<string, Operation>> }).paths;

/**
 * What the answer carries that its operation does not declare: `<header>` for a header, and
 * `content-type <type>` for a media type the status does not list. Empty when all is declared.
 */
export function undeclared(method: string, path: string, status: number, headers: Headers): string[] {
  const route = matchRoute(method, new URL(path, 'http://localhost').pathname)?.route;
  // The catch-all answers 404 problem+json to any path: no operation of the document.
  const operation = route && route.method !== 'ANY' ? paths[route.path]?.[route.method.toLowerCase()] : undefined;
  const response = operation?.responses[String(status)];
  const declared = new Set(Object.keys(response?.headers ?? {}).map((name) => name.toLowerCase()));
  const found: string[] = [];
  headers.forEach((_value, name) => {
    if (!HTTP_HEADERS.has(name) && !declared.has(name)) found.push(name);
  });
  // A 204 or 304 has no body: a content type there describes the representation, not a body.
  const mediaType = status === 204 || status === 304 ? undefined : headers.get('content-type')?.split(';')[0]?.trim();
  const listed = Object.keys(response?.content ?? {});
  if (operation && mediaType && !listed.includes(mediaType)) found.push(`content-type ${mediaType}`);
  return found.sort();
}
