/** The bundles' stand-in for node:stream/web answers `instanceof` as the real ReadableStream does. */
import { Readable } from 'node:stream';
import { ReadableStream as RealReadableStream } from 'node:stream/web';
import { expect, it } from 'vitest';
import { ReadableStream } from '../../functions/shims/stream-web.ts';

it('recognises web streams and nothing else', () => {
  expect(new RealReadableStream() instanceof ReadableStream).toBe(true);
  expect(Readable.toWeb(Readable.from(['a'])) instanceof ReadableStream).toBe(true);
  for (const other of [Readable.from(['a']), 'body', {}, null, undefined])
    expect(other instanceof ReadableStream).toBe(false);
});
