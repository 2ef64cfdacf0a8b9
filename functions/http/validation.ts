/** Schema failures as a 400 that names every field at fault. */
import type * as z from 'zod/mini';
import { ValidationError, type FieldError } from '#model/errors.ts';

export function parse<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue): FieldError[] => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a known field' }));
      }
      return [{ path: issue.path.join('.'), message: issue.message }];
    }),
  );
}
