/**
 * Throughput and latency of the local server (`npm start`, DynamoDB Local in memory) for get, list
 * and create: each driven alone, at a fixed concurrency, for a fixed time.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';
import { percentile } from './report.ts';

export interface HttpFigures {
  readonly op: 'get' | 'list' | 'create';
  readonly requests: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly errors: number;
}

const SEEDED = 200;

export async function measureHttp(seconds: number, concurrency: number): Promise<HttpFigures[]> {
  const secret = 'bench-secret';
  const eventsFile = join(tmpdir(), `rc-bench-events-${process.pid}.ndjson`);
  const server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, LOCAL_EVENTS_FILE: eventsFile });
  try {
    const base = `${server.url}/api/bench/http/resource-connections`;
    const headers = {
      authorization: `Bearer ${mintToken({ projects: ['bench/*'] }, secret)}`,
      'content-type': 'application/json',
    };
    let sequence = 0;
    const create = () =>
      fetch(base, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          sourceResourceType: 'application',
          sourceResourceId: `app-${sequence++}`,
          targetResourceType: 'instance',
          targetResourceId: `i-${sequence % 50}`,
          details: { port: 8080 },
        }),
      });
    const ids: string[] = [];
    for (let i = 0; i < SEEDED; i++) ids.push(String(((await (await create()).json()) as { id: string }).id));

    const drive = async (
      op: HttpFigures['op'],
      send: () => Promise<Response>,
      expected: number,
    ): Promise<HttpFigures> => {
      const latencies: number[] = [];
      let errors = 0;
      const deadline = Date.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < deadline) {
            const t = performance.now();
            try {
              const response = await send();
              await response.arrayBuffer();
              if (response.status === expected) latencies.push(performance.now() - t);
              else errors++;
            } catch {
              errors++;
            }
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      return {
        op,
        requests: latencies.length + errors,
        perSecond: latencies.length / elapsed,
        p50ms: percentile(latencies, 50),
        p99ms: percentile(latencies, 99),
        errors,
      };
    };
    return [
      await drive('get', () => fetch(`${base}/${ids[Math.floor(Math.random() * ids.length)]}`, { headers }), 200),
      await drive('list', () => fetch(`${base}?limit=50`, { headers }), 200),
      await drive('create', create, 201),
    ];
  } finally {
    await server.stop();
    rmSync(eventsFile, { force: true });
  }
}
