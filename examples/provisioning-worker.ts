/**
 * An example provisioning worker. It follows the local events file (`npm start` writes it; in AWS
 * an EventBridge rule would deliver the same envelopes) and, for each `Connection Created`, claims the
 * connection (`connecting`), does its work, and reports `connected` or `failed` with a reason. Every
 * write is a `modify`, a read-modify-write under If-Match, so workers racing on one event never lose
 * an update: exactly one claims it, the others see the claim and move on.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, ResourceConnections } from '../client/src/index.ts';

export interface WorkerOptions {
  readonly client: ResourceConnections;
  readonly eventsFile: string;
  /** This worker's name, recorded in the connection's details as its claim. */
  readonly name: string;
  /** The provisioning itself: resolves when done, throws with the reason when it cannot be done. */
  readonly work: (connection: Connection) => Promise<void>;
  readonly signal: AbortSignal;
}

export async function runWorker({ client, eventsFile, name, work, signal }: WorkerOptions): Promise<void> {
  const { project, environment } = client.options;
  let offset = 0;
  while (!signal.aborted) {
    const text = await readFile(eventsFile, 'utf8').catch(() => '');
    const end = text.lastIndexOf('\n') + 1; // only whole lines: the writer may be mid-line
    const events = text.slice(offset, end).split('\n').filter(Boolean);
    offset = Math.max(offset, end);
    for (const line of events) {
      const event = JSON.parse(line) as { 'detail-type': string; detail: { connection: Connection } };
      const { id, projectSlug, environmentSlug } = event.detail.connection;
      if (event['detail-type'] !== 'Connection Created') continue;
      if (projectSlug !== project || environmentSlug !== environment) continue;
      const claimed = await client.connections.modify(id, (c) =>
        c.status === 'pending' ? { status: 'connecting', details: { worker: name } } : undefined,
      );
      if (claimed.details.worker !== name) continue; // another worker has it
      const outcome = await work(claimed).then(
        () => ({ status: 'connected' as const, statusReason: `provisioned by ${name}` }),
        (error: Error) => ({ status: 'failed' as const, statusReason: error.message }),
      );
      await client.connections.modify(id, (c) =>
        c.status === 'connecting' && c.details.worker === name ? outcome : undefined,
      );
    }
    await sleep(100, undefined, { signal }).catch(() => undefined);
  }
}
