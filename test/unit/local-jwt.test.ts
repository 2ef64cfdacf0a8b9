import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintToken, signJwt, verifyJwt } from '../../local/jwt.ts';

const SECRET = 'local-dev-secret';
const NOW = 1_795_780_800;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hmac = (input: string, secret = SECRET) => createHmac('sha256', secret).update(input).digest('base64url');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const claims = { sub: 'user-7', scope: 'connections:read', projects: 'acme/prod', exp: NOW + 3600 };

function refusal(token: string, secret = SECRET, now = NOW): string {
  try {
    verifyJwt(token, secret, now);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  return expect.fail('expected the token to be refused');
}

describe('signJwt and verifyJwt', () => {
  it('give back the claims of a token they signed', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer({ min: 1, max: 10 ** 6 }), (extra, ttl) => {
        const signed = { ...JSON.parse(JSON.stringify(extra)), exp: NOW + ttl } as Record<string, unknown>;

        expect(verifyJwt(signJwt(signed, SECRET), SECRET, NOW)).toEqual(signed);
      }),
    );
  });

  it('make a three-part HS256 JWT', () => {
    const [header, payload, signature, ...rest] = signJwt(claims, SECRET).split('.');

    expect(rest).toEqual([]);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(claims);
    expect(signature).toBe(hmac(`${header}.${payload}`));
  });

  it('refuse an expired token, and one that expires this second', () => {
    const token = signJwt(claims, SECRET);

    expect(refusal(token, SECRET, claims.exp + 1)).toMatch(/expired/);
    expect(refusal(token, SECRET, claims.exp)).toMatch(/expired/);
    expect(verifyJwt(token, SECRET, claims.exp - 1)).toEqual(claims);
  });

  it('refuse a token without exp, or with exp as a string', () => {
    expect(refusal(signJwt({ sub: 'user-7' }, SECRET))).toMatch(/exp/);
    expect(refusal(signJwt({ ...claims, exp: String(NOW + 3600) }, SECRET))).toMatch(/exp/);
  });

  it('refuse a token that is not valid yet', () => {
    expect(refusal(signJwt({ ...claims, nbf: NOW + 60 }, SECRET))).toMatch(/not valid yet/);
    expect(verifyJwt(signJwt({ ...claims, nbf: NOW - 60 }, SECRET), SECRET, NOW)).toMatchObject({ nbf: NOW - 60 });
  });

  it('refuse a token signed with another secret', () => {
    expect(refusal(signJwt(claims, 'another-secret'))).toMatch(/signature/);
  });

  it('refuse alg "none", signed or not', () => {
    const header = b64({ alg: 'none', typ: 'JWT' });
    const payload = b64(claims);

    refusal(`${header}.${payload}.`);
    refusal(`${header}.${payload}`);
    // Even with a valid HMAC over it, a header that does not say HS256 is refused.
    refusal(`${header}.${payload}.${hmac(`${header}.${payload}`)}`);
  });

  it.each(['HS512', 'RS256', 'hs256'])('refuse a header with alg %s', (alg) => {
    const header = b64({ alg, typ: 'JWT' });
    const payload = b64(claims);

    refusal(`${header}.${payload}.${hmac(`${header}.${payload}`)}`);
  });

  it('refuse a tampered payload that keeps the old signature', () => {
    const [header, , signature] = signJwt(claims, SECRET).split('.');
    const forged = b64({ ...claims, projects: '*', scope: 'connections:read connections:write' });

    expect(refusal(`${header}.${forged}.${signature}`)).toMatch(/signature/);
  });

  it('refuse a token with any single character of its header or payload changed', () => {
    const token = signJwt(claims, SECRET);
    const signedPart = token.lastIndexOf('.');
    fc.assert(
      fc.property(fc.nat({ max: signedPart - 1 }), fc.constantFrom(...BASE64URL, '.', '='), (position, replacement) => {
        fc.pre(token[position] !== replacement);

        refusal(token.slice(0, position) + replacement + token.slice(position + 1));
      }),
      { numRuns: 500 },
    );
  });

  it('refuse a token with any single character of its signature changed', () => {
    // Base64url decoding ignores the low bits of the last character: a token whose signature was
    // altered there must still be refused, as the bytes the caller sent are not the token issued.
    const token = signJwt(claims, SECRET);
    const start = token.lastIndexOf('.') + 1;

    const accepted: string[] = [];
    for (let position = start; position < token.length; position++) {
      for (const replacement of BASE64URL) {
        if (replacement === token[position]) continue;
        const altered = token.slice(0, position) + replacement + token.slice(position + 1);
        try {
          verifyJwt(altered, SECRET, NOW);
          accepted.push(altered);
        } catch {
          // refused, as it should be
        }
      }
    }

    expect(accepted).toEqual([]);
  });

  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['an empty string', ''],
  ])('refuse %s', (_, token) => {
    expect(refusal(token)).toMatch(/not a JWT|signature/);
  });

  it('refuse a signed payload that is not a JSON object', () => {
    for (const payload of [Buffer.from('not json').toString('base64url'), b64([1, 2]), b64(null), b64('x')]) {
      const header = b64({ alg: 'HS256', typ: 'JWT' });

      refusal(`${header}.${payload}.${hmac(`${header}.${payload}`)}`);
    }
  });
});

describe('mintToken', () => {
  it('mints a token for projects and scopes that verifies and expires after its ttl', () => {
    const before = Math.floor(Date.now() / 1000);

    const token = mintToken(
      { subject: 'dev-1', projects: ['acme/prod', 'beta/*'], scopes: ['connections:read'], ttlSeconds: 600 },
      SECRET,
    );
    const minted = verifyJwt(token, SECRET);

    expect(minted).toMatchObject({ sub: 'dev-1', scope: 'connections:read', projects: 'acme/prod beta/*' });
    expect(minted.exp).toBe((minted.iat as number) + 600);
    expect(minted.iat as number).toBeGreaterThanOrEqual(before);
    expect(refusal(token, SECRET, (minted.exp as number) + 1)).toMatch(/expired/);
  });

  it('defaults to both scopes and a local subject', () => {
    const minted = verifyJwt(mintToken({ projects: ['*'] }, SECRET), SECRET);

    expect(minted).toMatchObject({ sub: 'local-user', scope: 'connections:read connections:write', projects: '*' });
  });
});
