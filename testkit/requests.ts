/**
 * Payload 2.0 events for any route, built from the test fixtures as API Gateway sends them, and the
 * route handlers, loaded on demand (they read their configuration when first imported).
 */
import { routeById, routeKey, type RouteId } from '../functions/routes.ts';
import type { GatewayEvent } from '#http/http.ts';
import type { Scope } from '#model/vocabulary.ts';
import {
  invoke,
  loadEvent,
  withBody,
  withClaimChanges,
  withHeaders,
  withoutBody,
  withPathParameters,
  withQuery,
  type Answer,
  type FixtureName,
  type LambdaHandler,
} from './events.ts';

export interface RequestSpec {
  /** Path parameters besides the project and environment. */
  readonly path?: Record<string, string>;
  readonly query?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string | undefined>;
}

/** The fixture each method starts from: headers, claims and context as the real service sends them. */
const BASE: Record<string, FixtureName> = {
  GET: 'get-connection',
  POST: 'create-connection',
  PATCH: 'update-connection',
  DELETE: 'delete-connection',
};

export function apiEvent(id: RouteId, scope: Scope, spec: RequestSpec = {}): GatewayEvent {
  const route = routeById(id);
  const fixture = loadEvent(BASE[route.method] ?? 'get-connection');
  const key = routeKey(route);
  const routed = {
    ...fixture,
    routeKey: key,
    pathParameters: {},
    requestContext: {
      ...fixture.requestContext,
      routeKey: key,
      http: { ...fixture.requestContext.http, method: route.method },
    },
  } as GatewayEvent;
  let event = withPathParameters(routed, { ...scope, ...spec.path });
  event = withClaimChanges(event, { projects: `${scope.projectSlug}/*` });
  event = withQuery(event, spec.query ?? '');
  // The PATCH fixture carries an If-Match of its own; a request here sends only what it says.
  event = withHeaders(event, { 'if-match': undefined, ...spec.headers });
  if (spec.body === undefined) return withoutBody(event);
  const contentType = route.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  return withBody(event, spec.body, { contentType });
}

const loaded = new Map<string, LambdaHandler>();

export async function handlerOf(id: RouteId): Promise<LambdaHandler> {
  const module = routeById(id).handler;
  let handler = loaded.get(module);
  if (!handler) {
    handler = ((await import(`../functions/handlers/${module}.ts`)) as { handler: LambdaHandler }).handler;
    loaded.set(module, handler);
  }
  return handler;
}

/** Calls a route's handler in process, as the Lambda runtime would. */
export async function call(id: RouteId, scope: Scope, spec: RequestSpec = {}): Promise<Answer> {
  return invoke(await handlerOf(id), apiEvent(id, scope, spec));
}
