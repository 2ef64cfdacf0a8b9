/**
 * The handler tests' JSON fixtures (testkit/fixtures/) are what the one event builder makes: each
 * fixture, rebuilt from its own request (route, path, query, headers, body, claims), is the same
 * event but for what differs on every request (id, time) and the account it came from.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/routes.ts';
import { gatewayEvent } from '../../local/gateway.ts';
import { loadEvent, type FixtureName } from '../../testkit/events.ts';

const FIXTURES = readdirSync(new URL('../../testkit/fixtures/', import.meta.url))
  .filter((file) => file.endsWith('.event.json'))
  .map((file) => file.replace('.event.json', '') as FixtureName);

/** The members that differ between any two requests, or name the account and API. */
function comparable(event: Record<string, unknown>): Record<string, unknown> {
  const {
    requestId: _id,
    time: _time,
    timeEpoch: _epoch,
    accountId: _account,
    apiId: _api,
    ...context
  } = event.requestContext as Record<string, unknown>;
  return { ...event, requestContext: context };
}

describe.each(FIXTURES)('the fixture %s', (name) => {
  it('is what the builder makes of its request', () => {
    const fixture = loadEvent(name);
    const route = ROUTES.find((candidate) => routeKey(candidate) === fixture.routeKey);
    expect(route, fixture.routeKey).toBeDefined();
    const jwt = fixture.requestContext.authorizer?.jwt;

    const rebuilt = gatewayEvent({
      route: route!,
      method: fixture.requestContext.http.method,
      path: fixture.rawPath,
      rawQueryString: fixture.rawQueryString,
      headers: fixture.headers,
      ...(fixture.body === undefined
        ? {}
        : { body: Buffer.from(fixture.body, fixture.isBase64Encoded ? 'base64' : 'utf8') }),
      ...(jwt ? { claims: jwt.claims, scopes: jwt.scopes } : {}),
      sourceIp: fixture.requestContext.http.sourceIp,
    });

    expect(comparable(rebuilt as never)).toEqual(comparable(fixture as never));
  });
});
