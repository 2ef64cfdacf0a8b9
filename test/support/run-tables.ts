import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** A table name of this integration run: the global setup removes every such table when the run ends. */
export const runTableName = (what: string): string =>
  `${inject('tablePrefix')}${what}-${randomBytes(4).toString('hex')}`;
