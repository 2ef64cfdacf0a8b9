/**
 * Stack traces that point at the TypeScript source, paid for only when an error is logged.
 * `--enable-source-maps` would make every cold start read and decode the bundle's source map
 * (measured: about 40 % of a data function's import); instead, the first logged error reads the
 * `.map` beside the bundle and rewrites its frames with Node's own source-map decoder. Frames of a
 * file with no map (the TypeScript sources under tsx and vitest) are left as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/**
 * esbuild writes sources relative to the bundle's build folder (`../../../project/functions/http/http.ts`):
 * shown from the project's `functions/` or `node_modules/` on.
 */
const tidy = (source: string): string => source.replace(/^(?:[^/]*\/)*?(?=(?:functions|node_modules)\/)/, '');

/** A frame's location: `file:///var/task/index.mjs:1:2345` or `/var/task/index.mjs:1:2345`. */
const LOCATION = /((?:file:\/\/)?\/[^\s():]+\.m?js):(\d+):(\d+)/g;

/** The stack with every frame that a source map covers rewritten to `source.ts:line:column`. */
export function mapStack(stack: string): string {
  return stack.replace(LOCATION, (whole, location: string, line: string, column: string) => {
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    const entry = sourceMapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return whole;
    return `${tidy(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/**
 * Powertools' own serialization hook (the Logger's `jsonReplacerFn`): a logged error reaches its
 * formatter as a copy whose stack is mapped, so the formatter's `stack` and `location` name the
 * source. The log format itself stays Powertools' own; no formatter of ours restates it.
 */
export function sourceMappedErrors(_key: string, value: unknown): unknown {
  if (!(value instanceof Error) || typeof value.stack !== 'string') return value;
  const copy = Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Error;
  copy.stack = mapStack(value.stack);
  return copy;
}
