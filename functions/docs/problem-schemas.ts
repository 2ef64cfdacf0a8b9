/**
 * The problem documents (RFC 9457) the HTTP edge answers, one schema per code, and the answer of
 * validate, which carries one. Only the OpenAPI document builds them.
 */
import * as z from 'zod/mini';
import { resourceType, status } from '#model/inputs.ts';

const fieldError = z.object({ path: z.string(), message: z.string() });

/** One problem variant: `code` and `status` are constants, so a client's error union narrows on `code`. */
const variant = <C extends string, S extends number, E extends Record<string, z.ZodMiniType>>(
  code: C,
  status: S,
  extensions: E,
) =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.literal(status),
    code: z.literal(code),
    detail: z.string(),
    requestId: z.optional(z.string()),
    ...extensions,
  });

/** Every problem the service answers, by code (docs/api.md, Errors), with the members each one adds. */
export const PROBLEMS = {
  VALIDATION_FAILED: variant('VALIDATION_FAILED', 400, { errors: z.array(fieldError) }),
  INVALID_JSON: variant('INVALID_JSON', 400, {}),
  INVALID_NEXT_TOKEN: variant('INVALID_NEXT_TOKEN', 400, {}),
  UNAUTHENTICATED: variant('UNAUTHENTICATED', 401, {}),
  FORBIDDEN: variant('FORBIDDEN', 403, {}),
  NOT_FOUND: variant('NOT_FOUND', 404, {}),
  DUPLICATE_CONNECTION: variant('DUPLICATE_CONNECTION', 409, { existingConnectionId: z.string() }),
  INVALID_STATUS_TRANSITION: variant('INVALID_STATUS_TRANSITION', 409, {
    from: status,
    to: status,
    allowed: z.array(status),
  }),
  CONNECTION_NOT_DELETED: variant('CONNECTION_NOT_DELETED', 409, {}),
  PRECONDITION_FAILED: variant('PRECONDITION_FAILED', 412, {
    currentVersion: z.number().check(z.int(), z.minimum(1)),
  }),
  PAYLOAD_TOO_LARGE: variant('PAYLOAD_TOO_LARGE', 413, {}),
  UNSUPPORTED_MEDIA_TYPE: variant('UNSUPPORTED_MEDIA_TYPE', 415, { accepted: z.array(z.string()) }),
  CONNECTION_NOT_ALLOWED: variant('CONNECTION_NOT_ALLOWED', 422, { allowedTargets: z.array(resourceType) }),
  IDEMPOTENCY_KEY_REUSED: variant('IDEMPOTENCY_KEY_REUSED', 422, {}),
  INTERNAL: variant('INTERNAL', 500, {}),
  SERVICE_UNAVAILABLE: variant('SERVICE_UNAVAILABLE', 503, {}),
};
export type ProblemCode = keyof typeof PROBLEMS;

type ProblemVariant = (typeof PROBLEMS)[ProblemCode];
export const problem = z.discriminatedUnion('code', Object.values(PROBLEMS) as [ProblemVariant, ...ProblemVariant[]]);

export const validationResult = z.object({ valid: z.boolean(), problem: z.optional(problem) });
