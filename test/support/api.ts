/**
 * A small HTTP client for the API suite. Locally it mints tokens with the local server's secret;
 * against a deployed stack (API_URL) it uses API_TOKEN, which must grant the project API_PROJECT.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { mintToken, type TokenRequest } from '../../local/jwt.ts';
import { undeclared } from './declared-headers.ts';

export const baseUrl = inject('apiUrl');
const fixedToken = inject('apiToken');
const jwtSecret = inject('jwtSecret');

/** Tokens of any shape can be minted only against the local server. */
export const canMintTokens = jwtSecret !== undefined;

export const project = process.env.API_PROJECT ?? `p${randomBytes(5).toString('hex')}`;
/** A fresh environment per call: tests never see each other's data. */
export const freshEnvironment = () => `e${randomBytes(5).toString('hex')}`;

export function token(request: Partial<TokenRequest> = {}): string {
  if (!canMintTokens) return fixedToken!;
  return mintToken({ projects: [`${project}/*`], ...request }, jwtSecret!);
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape, checked by each test
  text: string;
}

export interface CallOptions {
  token?: string | null;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const bearer = options.token === undefined ? token() : options.token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  // Every answer says no more than the OpenAPI document declares (API Gateway's own answers in the
  // cloud, `{"message": …}`, are not the service's).
  const own = parsed as { message?: unknown; code?: unknown } | undefined;
  const fromGateway = !canMintTokens && own?.message !== undefined && own.code === undefined;
  const extra = fromGateway ? [] : undeclared(method, path, response.status, response.headers);
  if (extra.length > 0) {
    throw new Error(
      `${method} ${path} answered ${response.status} with what the OpenAPI document does not declare: ${extra.join(', ')}`,
    );
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const connectionsPath = (environment: string, projectSlug = project) =>
  `/api/${projectSlug}/${environment}/resource-connections`;

export const appOnServer = (app = 'app-1', server = 'i-1') => ({
  sourceResourceType: 'application',
  sourceResourceId: app,
  targetResourceType: 'instance',
  targetResourceId: server,
});

/** Asserts the RFC 9457 shape every error shares and returns the problem. */
export function expectProblem(answer: Answer, status: number, code: string) {
  if (answer.status !== status || answer.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${answer.status} ${answer.text}`);
  }
  if (!answer.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${answer.headers.get('content-type')}`);
  }
  if (
    answer.body.status !== status ||
    typeof answer.body.title !== 'string' ||
    typeof answer.body.detail !== 'string'
  ) {
    throw new Error(`not a problem document: ${answer.text}`);
  }
  if (/at .*\.(ts|js):\d+|Exception|arn:aws|connections-test|resource-connections\b/.test(answer.body.detail)) {
    throw new Error(`the problem reveals internals: ${answer.text}`);
  }
  return answer.body;
}
