/**
 * `npm start`'s events, end to end: changes made over HTTP appear in LOCAL_EVENTS_FILE as the
 * envelopes an EventBridge subscriber receives, one per committed change, none for a refusal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { appOnServer, call, connectionsPath, freshEnvironment } from '../support/api.ts';

const eventsFile = inject('eventsFile');

interface Envelope {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: { connection: { id: string }; version: number; previousStatus?: string };
}

/** The envelopes of one connection, once `count` have arrived (the stream is polled). */
async function eventsOf(connectionId: string, count: number): Promise<Envelope[]> {
  const read = () =>
    (existsSync(eventsFile!) ? readFileSync(eventsFile!, 'utf8') : '')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Envelope)
      .filter((e) => e.detail.connection.id === connectionId);
  for (let waited = 0; read().length < count && waited < 10_000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  return read();
}

describe.runIf(eventsFile !== undefined)('local events', () => {
  it('appends one subscriber envelope per committed change, and none for a refused one', async () => {
    const env = freshEnvironment();
    const started = Date.now();
    const { body } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const first = await eventsOf(body.id, 1);
    const latency = Date.now() - started;
    const url = `${connectionsPath(env)}/${body.id}`;
    await call('PATCH', url, { json: { status: 'connected' } }); // refused: pending cannot jump to connected
    await call('PATCH', url, { json: { status: 'connecting' } });
    await call('DELETE', url);

    const events = await eventsOf(body.id, 3);

    console.log(`local events: first event in the file ${latency} ms after the create was sent`);
    expect(first).toHaveLength(1);
    expect(events.map((e) => [e['detail-type'], e.detail.version])).toEqual([
      ['Connection Created', 1],
      ['Connection Status Changed', 2],
      ['Connection Deleted', 3],
    ]);
    expect(events[0]).toMatchObject({ id: `${body.id}:1`, source: 'resource-connections', time: body.createdAt });
    expect(events[1]!.detail.previousStatus).toBe('pending');
  });
});
