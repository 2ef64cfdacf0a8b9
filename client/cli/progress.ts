/** `cascade` with a progress bar when stderr is a terminal (cli-progress), and quietly otherwise. */
import { SingleBar, Presets } from 'cli-progress';
import type { CascadeProgress, ResourceConnections, ResourceType } from '../src/index.ts';
import type { Output } from './output.ts';

export async function cascadeWithProgress(
  client: ResourceConnections,
  type: ResourceType,
  id: string,
  output: Output,
): Promise<CascadeProgress> {
  if (!process.stderr.isTTY || output.json) return client.resources.cascade(type, id);
  // The bar needs a total: count the live connections first (pages of 100, cheap beside the deletes).
  let total = 0;
  for await (const page of client.resources.connections(type, id, { limit: 100 }).pages()) total += page.items.length;
  const bar = new SingleBar(
    { format: 'deleting {bar} {value}/{total} connections', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  try {
    return await client.resources.cascade(type, id, {
      onProgress: (progress) => {
        if (progress.deleted > total) bar.setTotal(progress.deleted);
        bar.update(progress.deleted);
      },
    });
  } finally {
    bar.stop();
  }
}
