/**
 * The client's generated types: fresh against the route table, and the error union typed as the
 * README promises (the expectTypeOf lines are checked by `tsc --noEmit`, which `npm test` runs).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CLIENT_TYPES_FILE, generateClientTypes } from '../../scripts/client-types.ts';
import type { ApiError, ProblemCode, ProblemOf } from '../../client/src/index.ts';
import { isApiError } from '../../client/src/index.ts';
import { PROBLEMS } from '../../functions/docs/problem-schemas.ts';

describe('the generated client types', () => {
  it('match what openapi-typescript makes of the current OpenAPI document (else: npm run client:types)', async () => {
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    const fresh = await generateClientTypes();

    expect(committed === fresh, 'client/src/openapi.ts is stale: run `npm run client:types` and commit it').toBe(true);
  });

  it('type every problem code the service has', () => {
    expectTypeOf<ProblemCode>().toEqualTypeOf<keyof typeof PROBLEMS>();
  });

  it('narrow an error on its code to the members of that problem', () => {
    const seen: unknown = new Error('not an API error');
    if (isApiError(seen, 'createConnection') && seen.code === 'DUPLICATE_CONNECTION') {
      expectTypeOf(seen.existingConnectionId).toEqualTypeOf<string>();
      expectTypeOf(seen.status).toEqualTypeOf<409>();
    }
    if (isApiError(seen, 'updateConnection') && seen.code === 'INVALID_STATUS_TRANSITION') {
      expectTypeOf(seen.allowed).toEqualTypeOf<
        ('pending' | 'connecting' | 'connected' | 'failed' | 'disconnected')[]
      >();
    }
    if (isApiError(seen, 'getConnection')) {
      // @ts-expect-error a get is never refused as a duplicate, so the union has no such code
      expect(seen.code === 'DUPLICATE_CONNECTION').toBe(false);
    }
    expect(isApiError(seen)).toBe(false);
  });

  it('give each operation exactly the problems of its declared error statuses', () => {
    expectTypeOf<ProblemOf<'getConnection'>['code']>().toEqualTypeOf<
      | 'VALIDATION_FAILED'
      | 'INVALID_JSON'
      | 'INVALID_NEXT_TOKEN'
      | 'UNAUTHENTICATED'
      | 'FORBIDDEN'
      | 'NOT_FOUND'
      | 'INTERNAL'
      | 'SERVICE_UNAVAILABLE'
    >();
    expectTypeOf<Extract<ApiError, { code: 'PRECONDITION_FAILED' }>['currentVersion']>().toEqualTypeOf<number>();
  });
});
