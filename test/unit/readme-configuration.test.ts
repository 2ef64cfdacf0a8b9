/**
 * The README's configuration table names every environment variable the code a user runs reads
 * (the functions, `npm start`, the scripts, the CLI and client, the examples), so a new setting
 * cannot stay undocumented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE_SECONDS } from '#model/vocabulary.ts';

const FOLDERS = ['functions', 'local', 'scripts', 'client', 'examples'];
/** Read by name in code: `process.env.X`, `env.X`, or passed to a reader as `'X'`. */
const READS = [/\benv\.([A-Z][A-Z0-9_]+)\b/g, /\b(?:requiredVariable|required|positive)\('([A-Z][A-Z0-9_]+)'\)/g];
// The deadline settings' names are made from the statuses (store/client.ts).
const MADE_NAMES = Object.keys(DEFAULT_DEADLINE_SECONDS).map((status) => `${status.toUpperCase()}_DEADLINE_SECONDS`);

function variablesRead(): Set<string> {
  const names = new Set(MADE_NAMES);
  for (const folder of FOLDERS) {
    for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(folder, file), 'utf8');
      for (const pattern of READS) for (const [, name] of text.matchAll(pattern)) names.add(name!);
    }
  }
  return names;
}

describe("the README's configuration table", () => {
  it('has a row for every environment variable the code reads', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = /\n## Configuration\n([\s\S]*?)\n## /.exec(readme)![1]!;
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const documented = new Set(
      rows.flatMap((row) => [...row.split(' | ')[0]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!)),
    );

    const read = variablesRead();
    expect(read.size).toBeGreaterThan(10); // the scan finds what it looks for
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });
});
