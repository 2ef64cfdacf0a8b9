/**
 * Numbers in ids in their order ("sg-2" before "sg-10"), so runs and ranges of parts read as spans:
 * each number padded to a fixed width, then compared as text (an Intl.Collator is many times slower).
 */
export const naturalKey = (id: string) => `${id.replace(/\d+/g, (digits) => digits.padStart(12, '0'))}\u0000${id}`;

export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function naturally(ids: string[]): string[] {
  return ids
    .map((id) => [naturalKey(id), id] as const)
    .sort(([a], [b]) => compare(a, b))
    .map(([, id]) => id);
}
