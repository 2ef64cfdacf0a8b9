/**
 * The CLI's numeric options, in process and without a server: a value out of its range is a usage
 * mistake (exit 2) and nothing is sent; the bounds themselves are sent as given.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../client/cli/main.ts';

const ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';
const CONNECTION = {
  id: ID,
  projectSlug: 'acme',
  environmentSlug: 'dev',
  sourceResourceType: 'application',
  sourceResourceId: 'app-1',
  targetResourceType: 'instance',
  targetResourceId: 'i-1',
  status: 'connected',
  statusReason: null,
  statusDeadline: null,
  details: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'alice',
  updatedBy: 'alice',
  version: 1,
};

let sent: Request[];
beforeEach(() => {
  sent = [];
  // Every request the CLI makes is recorded and answered as the service would a successful one.
  vi.stubGlobal('fetch', async (input: Request) => {
    sent.push(input);
    const { pathname } = new URL(input.url);
    const body = pathname.endsWith('/resource-connections')
      ? { items: [], nextToken: null }
      : pathname.endsWith('/graph')
        ? { nodes: [], edges: [], nextToken: null, truncated: false }
        : CONNECTION;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

async function cli(...args: string[]) {
  const err: string[] = [];
  const code = await run([...args, '--json'], {
    env: { RC_URL: 'http://127.0.0.1:1', RC_TOKEN: 't', RC_PROJECT: 'acme', RC_ENV: 'dev' },
    stdoutIsTty: false,
    out: () => undefined,
    err: (text) => err.push(text),
  });
  return { code, stderr: err.join('\n') };
}

describe('the CLI checks every numeric option before sending anything', () => {
  it.each([
    [['list', '--limit', '101'], /--limit takes a whole number from 1 to 100, not '101'/],
    [['list', '--limit', '0'], /--limit takes a whole number from 1 to 100/],
    [['list', '--limit', '1.5'], /--limit takes a whole number/],
    [['list', '--limit', '1e2'], /--limit takes a whole number/],
    [['list', '--limit', '-5'], /--limit/],
    [['list', '--limit', ' 7'], /--limit takes a whole number/],
    [['create', 'application/a', 'instance/i-1', '--deadline', '4'], /--deadline takes seconds from 5 to 604800/],
    [['create', 'application/a', 'instance/i-1', '--deadline', '604801'], /--deadline takes seconds from 5/],
    [['status', ID, 'connecting', '--deadline', '5.5'], /--deadline takes whole seconds/],
    [['heartbeat', ID, '604801'], /heartbeat takes seconds from 5 to 604800/],
    [['wait', ID, '--timeout', '604801'], /--timeout takes seconds from 0 to 604800/],
    [['wait', ID, '--interval', '0.05'], /--interval takes seconds from 0.1 to 3600/],
    [['wait', ID, '--interval', '3601'], /--interval takes seconds from 0.1 to 3600/],
    [['graph', '--resource', 'instance/i-1', '--depth', '4'], /--depth/],
    [['graph', '--resource', 'instance/i-1', '--depth', '0'], /--depth/],
  ])('%j: exit 2, nothing sent', async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect([code, stderr]).toEqual([2, expect.stringMatching(message)]);
    expect(sent).toEqual([]);
  });

  it.each([
    [['list', '--limit', '100'], 'limit=100'],
    [['list', '--limit', '1'], 'limit=1'],
    [['create', 'application/a', 'instance/i-1', '--deadline', '604800'], '"deadlineSeconds":604800'],
    [['heartbeat', ID, '5'], '"deadlineSeconds":5'],
    [['graph', '--resource', 'instance/i-1', '--depth', '3'], 'depth=3'],
  ])('%j: the bound itself is sent', async (args, expected) => {
    expect((await cli(...args)).code).toBe(0);
    expect(sent).toHaveLength(1);
    const request = sent[0]!;
    expect(`${request.url} ${await request.text()}`).toContain(expected);
  });

  it('waits as long as its bounds allow', async () => {
    expect((await cli('wait', ID, '--timeout', '0', '--interval', '0.1')).code).toBe(0);
    // Besides asking where to watch (GET /realtime), it reads the connection once.
    const urls = sent.map((request: Request | string) => (typeof request === 'string' ? request : request.url));
    expect(urls.filter((url) => url.endsWith(`/resource-connections/${ID}`))).toHaveLength(1);
  });
});
