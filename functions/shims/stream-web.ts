/**
 * Stands in for `node:stream/web` in the deployed bundles (lib/bundling.ts aliases it here). The
 * middy core imports ReadableStream only to test a streamed response with `instanceof`, and no
 * function here streams; importing the module loads Node's web streams (about ten internal modules)
 * on every cold start, which `npm run bench:cold` measured at about 0.07× of a data function's
 * import. This class answers `instanceof` as the real one does, loading it only if ever asked.
 */
export class ReadableStream {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof globalThis.ReadableStream;
  }
}
