/**
 * Routes' functions started from cdk.out, and requests sent to them as API Gateway sends them, with
 * the token of one caller granted one fresh environment.
 */
import { gatewayEvent, type GatewayRequest } from '../../../local/gateway.ts';
import { tokenClaims } from '../../../testkit/gateway-events.ts';
import type { LambdaProcess } from '../../../testkit/lambda-process.ts';
import { routeById, type RouteId } from '../../../functions/routes.ts';
import { call, startFunction } from './deployed.ts';

export const SCOPES = ['connections:read', 'connections:write'];

export interface RunningRoutes {
  /** `/api/<project>/<environment>`: the environment the caller is granted. */
  readonly base: string;
  readonly claims: Record<string, unknown>;
  /** One request to the route's own function. */
  send(id: RouteId, path: string, extra?: Partial<GatewayRequest>): ReturnType<typeof call>;
  /** The running process of a route, to start another beside it or invoke it directly. */
  process(id: RouteId): LambdaProcess;
  stop(): Promise<void>;
}

export async function startRoutes(
  ids: readonly RouteId[],
  { project, environment }: { project: string; environment: string },
): Promise<RunningRoutes> {
  const claims = tokenClaims({ projects: [`${project}/${environment}`], scopes: SCOPES });
  const running = new Map(
    await Promise.all(ids.map(async (id) => [id, await startFunction(routeById(id).handler)] as const)),
  );
  return {
    base: `/api/${project}/${environment}`,
    claims,
    send(id, path, extra = {}) {
      const route = routeById(id);
      const event = gatewayEvent({ route, path, ...(route.scope ? { claims, scopes: SCOPES } : {}), ...extra });
      return call(running.get(id)!, event);
    },
    process: (id) => running.get(id)!,
    stop: async () => {
      await Promise.all([...running.values()].map((fn) => fn.stop()));
    },
  };
}

export const jsonBody = (body: unknown, contentType = 'application/json'): Partial<GatewayRequest> => ({
  headers: { 'content-type': contentType },
  body: JSON.stringify(body),
});
