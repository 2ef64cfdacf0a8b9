/**
 * Powertools logger and metrics, one of each per process. Logs are structured JSON with the request
 * id and route; never a body or a token; a logged error's stack names the TypeScript source. Metrics go out as CloudWatch EMF at the end of each request.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { sourceMappedErrors } from './stack-traces.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'resource-connections';

export const logger = new Logger({ serviceName, jsonReplacerFn: sourceMappedErrors });
let shared: Metrics | undefined;
/** Built on first use: most requests (reads) count nothing, and their cold start skips it. */
export const metrics = (): Metrics =>
  (shared ??= new Metrics({
    serviceName,
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ResourceConnections',
  }));

/** Writes what the request counted as EMF; a request that counted nothing writes nothing. */
export function flushMetrics(): void {
  if (shared?.hasStoredMetrics()) shared.publishStoredMetrics();
}

export const count = (
  name: 'ConnectionsCreated' | 'StatusChanges' | 'ConnectionsDeleted' | 'ConnectionsRestored',
  value = 1,
) => metrics().addMetric(name, MetricUnit.Count, value);

/** Refusals by problem code: a rising 4xx code says a caller is broken; INTERNAL says we are. */
export function countProblem(code: string): void {
  const single = metrics().singleMetric();
  single.addDimension('code', code);
  single.addMetric('Problems', MetricUnit.Count, 1);
}
