/**
 * What the client refuses to send, before any request: numbers JSON cannot carry, empty ids, a base
 * URL that is not http(s), a token a header cannot carry (and the refusal never shows the token).
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ResourceConnections, RESOURCE_TYPES, STATUSES } from '../../client/src/index.ts';

const sent: Request[] = [];
const client = (token = 'a.b.c') =>
  new ResourceConnections({
    baseUrl: 'http://localhost:1',
    token,
    project: 'acme',
    environment: 'dev',
    retry: { attempts: 1 },
    fetch: async (input) => {
      sent.push(input as Request);
      return Response.json({ items: [], nextToken: null });
    },
  });
const pair = {
  sourceResourceType: 'application',
  sourceResourceId: 'app-1',
  targetResourceType: 'instance',
  targetResourceId: 'i-1',
} as const;

async function refusal(call: () => Promise<unknown>): Promise<string> {
  sent.length = 0;
  const error = await call().then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(sent).toHaveLength(0); // nothing went out
  return (error as Error).message;
}

describe('the client refuses what it would send malformed', () => {
  it('refuses a number that is not finite, naming the field as the API does', async () => {
    const rc = client();
    expect(await refusal(() => rc.connections.create({ ...pair, details: { n: Infinity } }))).toMatch(
      /^details\.n: must be a finite number/,
    );
    expect(await refusal(() => rc.connections.validate({ ...pair, details: { a: { b: [1, -Infinity] } } }))).toMatch(
      /^details\.a\.b\.1: /,
    );
    expect(await refusal(() => rc.connections.update('01ABC', { details: { x: NaN } }))).toMatch(/^details\.x: /);
  });

  it('refuses empty ids instead of asking another route', async () => {
    const rc = client();
    expect(await refusal(() => rc.connections.get(''))).toBe('the connection id is empty');
    expect(await refusal(() => rc.connections.delete(''))).toBe('the connection id is empty');
    expect(await refusal(() => rc.connections.history('').toArray())).toBe('the connection id is empty');
    expect(await refusal(() => rc.resources.cascade('instance', ''))).toBe('the resource id is empty');
    expect(await refusal(() => rc.graph.neighbourhood('instance', ''))).toBe('the resource id is empty');
  });

  it('refuses a base URL that is not http or https', () => {
    for (const baseUrl of ['not a url', 'ftp://example.com', 'localhost:3000', '']) {
      expect(() => new ResourceConnections({ baseUrl, project: 'a', environment: 'b' })).toThrow(InvalidRequestError);
    }
    expect(
      new ResourceConnections({ baseUrl: 'https://api.example.com/', project: 'a', environment: 'b' }),
    ).toBeDefined();
  });

  it('sends a token without the line break a file ends with, and refuses one with a break inside, unshown', async () => {
    await client('secret-token\n').connections.list().toArray();
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer secret-token');

    for (const token of ['secret\ntoken', 'secret token', 'secret\u0000token', 'sécret']) {
      const message = await refusal(() => client(token).connections.list().toArray());
      expect(message).not.toContain('secret');
      expect(message).toContain('cannot carry');
    }
  });

  it('lists every resource type and status at run time', () => {
    expect(RESOURCE_TYPES).toHaveLength(8);
    expect(STATUSES).toEqual(['pending', 'connecting', 'connected', 'failed', 'disconnected']);
  });
});
