/**
 * Who may watch which channel (functions/realtime/channels.js, the code AppSync runs on subscribe
 * and the local server runs too), and how an environment's channel is named, long slugs included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelOf,
  channelScope,
  MAX_SEGMENT,
  pathSegments,
  subscriptionRefusal,
} from '../../functions/realtime/channels.js';

const identity = (claims: Record<string, unknown>) => ({ sub: claims.sub, claims });
const reader = (projects: string | string[], extra: Record<string, unknown> = {}) =>
  identity({ sub: 'alice', scope: 'connections:read', projects, ...extra });
const refusal = (who: unknown, path: string) => subscriptionRefusal(who, pathSegments(path));

/** The rule AWS documents for a namespace name, which every segment is held to. */
const SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;
const slug = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);

describe('subscribing', () => {
  it.each([
    ['its own environment', ['acme/dev'], '/connections/acme/dev'],
    ['any environment of a granted project', ['acme/*'], '/connections/acme/dev'],
    ['a granted project, by wildcard', ['acme/*'], '/connections/acme/*'],
    ['every project with *', ['*'], '/connections/*'],
    ['one of several grants', ['beta/x', 'acme/dev'], '/connections/acme/dev'],
  ])('is allowed for %s', (_, projects, path) => {
    expect(refusal(reader(projects), path)).toBeNull();
  });

  it.each([
    ['another project', ['beta/*'], '/connections/acme/dev'],
    ['another environment', ['acme/prod'], '/connections/acme/dev'],
    ['a project prefix', ['acm/*'], '/connections/acme/dev'],
    ['a wildcard over the project with one environment granted', ['acme/dev'], '/connections/acme/*'],
    ['every project with one project granted', ['acme/*'], '/connections/*'],
    ['no grant at all', [], '/connections/acme/dev'],
  ])('is refused for %s', (_, projects, path) => {
    expect(refusal(reader(projects), path)).toMatch(/not granted/);
  });

  it('needs the read scope, in scope or scp, and takes space- or comma-separated and listed claims', () => {
    expect(refusal(reader('acme/dev', { scope: 'connections:write' }), '/connections/acme/dev')).toMatch(/scope/);
    expect(
      refusal(reader('acme/dev', { scope: undefined, scp: ['connections:read'] }), '/connections/acme/dev'),
    ).toBeNull();
    expect(refusal(reader('beta/x,acme/dev'), '/connections/acme/dev')).toBeNull();
    expect(refusal(reader('[beta/x acme/dev]'), '/connections/acme/dev')).toBeNull();
    expect(refusal(reader(['beta/x', 'acme/dev']), '/connections/acme/dev')).toBeNull();
  });

  it("refuses the service's own subjects, as the HTTP API does", () => {
    expect(refusal(reader('*', { sub: 'system:deadline' }), '/connections/acme/dev')).toMatch(/system:/);
    expect(
      refusal(
        { sub: 'system:x', claims: { sub: 'alice', scope: 'connections:read', projects: '*' } },
        '/connections/*',
      ),
    ).toMatch(/system:/);
  });

  it.each([
    ['no identity', null],
    ['no claims', { sub: 'alice' }],
    ['claims that are a list', { sub: 'alice', claims: ['*'] }],
    ['no subject', { claims: { scope: 'connections:read', projects: '*' } }],
    ['an empty subject', identity({ sub: '', scope: 'connections:read', projects: '*' })],
    ['claims of the wrong types', identity({ sub: 'alice', scope: { read: true }, projects: 7 })],
  ])('refuses a token with %s', (_, who) => {
    expect(refusal(who, '/connections/acme/dev')).not.toBeNull();
  });

  it.each([
    '/connections',
    '/connections/acme',
    '/connections/acme/dev/more',
    '/connections/acme/dev/*',
    '/connections/*/dev',
    '/connections/ac*',
    '/connections/Acme/dev',
    '/connections/-acme/dev',
    '/connections/acme//dev',
    '/other/acme/dev',
    'connections/acme/dev',
    `/connections/${'a'.repeat(51)}/dev`,
  ])('refuses %s, which is not a channel of this service, even for *', (path) => {
    expect(refusal(reader('*'), path)).toMatch(/not a channel/);
  });
});

describe('channel names', () => {
  it('are /connections/<project>/<environment>', () => {
    expect(channelOf('acme', 'dev')).toBe('/connections/acme/dev');
  });

  it('keep every segment to the documented rule and at most five segments, for any slugs', () => {
    fc.assert(
      fc.property(slug, slug, (project, environment) => {
        const segments = pathSegments(channelOf(project, environment));
        expect(segments.length).toBeLessThanOrEqual(5);
        for (const segment of segments) expect(segment).toMatch(SEGMENT);
        expect(segments.every((segment) => segment.length <= MAX_SEGMENT)).toBe(true);
        expect(channelScope(segments)).toEqual({ project, environment });
      }),
    );
  });

  it('write a 63-character slug as two segments, never as another slug’s channel', () => {
    const long = `${'a'.repeat(40)}-${'b'.repeat(22)}`;
    const channel = channelOf(long, 'dev');
    expect(channel).toBe(`/connections/${'a'.repeat(40)}Z/Z-${'b'.repeat(22)}/dev`);
    expect(channelScope(pathSegments(channel))).toEqual({ project: long, environment: 'dev' });
    fc.assert(
      fc.property(slug, slug, slug, slug, (p1, e1, p2, e2) => {
        fc.pre(p1 !== p2 || e1 !== e2);
        expect(channelOf(p1, e1)).not.toBe(channelOf(p2, e2));
      }),
    );
  });

  it('allow a wildcard after the first half of a long project only with *', () => {
    const path = `/connections/${'a'.repeat(40)}Z/*`;
    expect(channelScope(pathSegments(path))).toEqual({ all: true });
    expect(refusal(reader(`${'a'.repeat(60)}/*`), path)).toMatch(/not granted/);
    expect(refusal(reader('*'), path)).toBeNull();
  });

  it('grant a wildcard path only when the grants cover every channel it can match', () => {
    // A small world of channels; a path is allowed only if every channel under it is granted.
    const projects = ['acme', 'beta', `${'c'.repeat(40)}${'d'.repeat(20)}`];
    const environments = ['dev', 'prod'];
    const channels = projects.flatMap((p) =>
      environments.map((e) => ({ p, e, segments: pathSegments(channelOf(p, e)) })),
    );
    const grants = ['*', ...projects.flatMap((p) => [`${p}/*`, ...environments.map((e) => `${p}/${e}`)])];
    const paths = [
      '/connections/*',
      ...projects.map((p) => `${pathSegments(channelOf(p, 'x')).slice(0, -1).join('/').replace(/^/, '/')}/*`),
      ...channels.map((c) => `/${c.segments.join('/')}`),
    ];
    fc.assert(
      fc.property(fc.subarray(grants), fc.constantFrom(...paths), (granted, path) => {
        const pattern = pathSegments(path);
        const prefix = pattern.at(-1) === '*' ? pattern.slice(0, -1) : pattern;
        const matched = channels.filter(
          (c) =>
            prefix.every((s, i) => c.segments[i] === s) &&
            (pattern.at(-1) === '*' || c.segments.length === prefix.length),
        );
        const covered = matched.every(
          (c) => granted.includes('*') || granted.includes(`${c.p}/*`) || granted.includes(`${c.p}/${c.e}`),
        );
        const allowed = refusal(reader(granted), path) === null;
        if (allowed) expect(covered).toBe(true);
        if (!path.endsWith('/*')) expect(allowed).toBe(covered);
      }),
    );
  });
});
