/**
 * HS256 JSON Web Tokens for local use: what API Gateway's JWT authorizer does in the cloud, the
 * local server does with a shared secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest();

export function signJwt(claims: JwtClaims, secret: string): string {
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

/** The claims of a valid, unexpired token; otherwise an Error saying why. */
export function verifyJwt(token: string, secret: string, nowSeconds = Date.now() / 1000): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('the token is not a JWT');
  const [header, payload, signature] = parts as [string, string, string];
  // Compared as text: base64url decoding ignores stray bits in the last character, text does not.
  const expected = Buffer.from(sign(`${header}.${payload}`, secret).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new Error('the token signature is not valid');
  let claims: unknown;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown }).alg !== 'HS256') {
      throw new Error('alg');
    }
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    throw new Error('the token is not a valid HS256 JWT');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
    throw new Error('the token has no claims');
  const { exp, nbf } = claims as { exp?: unknown; nbf?: unknown };
  if (typeof exp !== 'number' || exp <= nowSeconds) throw new Error('the token has expired or has no exp');
  if (typeof nbf === 'number' && nbf > nowSeconds) throw new Error('the token is not valid yet');
  return claims as JwtClaims;
}

export interface TokenRequest {
  subject?: string;
  /** Grants: `project/environment`, `project/*` or `*`. */
  projects: string[];
  scopes?: string[];
  ttlSeconds?: number;
}

export function mintToken(request: TokenRequest, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: request.subject ?? 'local-user',
      scope: (request.scopes ?? ['connections:read', 'connections:write']).join(' '),
      projects: request.projects.join(' '),
      iat: now,
      exp: now + (request.ttlSeconds ?? 12 * 3600),
      iss: 'resource-connections-local',
      aud: 'resource-connections',
    },
    secret,
  );
}
