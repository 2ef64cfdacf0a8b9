/**
 * Any route's request as a platform's client sends it (the samples' token, granted the scope's
 * project), as the one builder makes its event, and the route handlers, loaded on demand (they read
 * their configuration when first imported).
 */
import { routeById, type RouteId } from '../functions/routes.ts';
import type { GatewayEvent } from '#http/http.ts';
import type { Scope } from '#model/vocabulary.ts';
import { gatewayEvent } from '../local/gateway.ts';
import {
  invoke,
  pathOf,
  sampleRequest,
  withBody,
  withClaimChanges,
  withHeaders,
  type Answer,
  type LambdaHandler,
} from './events.ts';

export interface RequestSpec {
  /** Path parameters besides the project and environment. */
  readonly path?: Record<string, string>;
  readonly query?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string | undefined>;
}

/** The event of a request to route `id` in `scope`, with the samples' client and token, granted the scope's project. */
export function apiEvent(id: RouteId, scope: Scope, spec: RequestSpec = {}): GatewayEvent {
  const route = routeById(id);
  const token = withClaimChanges(sampleRequest('getConnection'), { projects: `${scope.projectSlug}/*` });
  const path = pathOf(route, { ...scope, ...spec.path });
  const request = withHeaders({ ...token, route, path, rawQueryString: spec.query ?? '' }, spec.headers ?? {});
  if (spec.body === undefined) return gatewayEvent(request) as GatewayEvent;
  const contentType = route.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  return gatewayEvent(withBody(request, spec.body, { contentType })) as GatewayEvent;
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
