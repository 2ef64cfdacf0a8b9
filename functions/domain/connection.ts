/** What the decisions need to know about a connection beyond its fields: its scope, and what a change changed. */
import type { Connection } from '#model/representations.ts';
import type { Scope } from '#model/vocabulary.ts';

export const scopeOf = (c: Pick<Connection, 'projectSlug' | 'environmentSlug'>): Scope => ({
  projectSlug: c.projectSlug,
  environmentSlug: c.environmentSlug,
});

/** The fields whose changes the history records, with their values before and after. */
export type Changes = Partial<Record<keyof Connection, { from: unknown; to: unknown }>>;

const TRACKED: readonly (keyof Connection)[] = [
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
  'statusReason',
  'statusDeadline',
  'details',
  'deletedAt',
];

export function diff(before: Connection | undefined, after: Connection): Changes {
  const changes: Changes = {};
  for (const field of TRACKED) {
    const from = before?.[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}
