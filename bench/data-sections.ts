/**
 * The sections that need DynamoDB: calls per request, handler overhead and read amplification.
 * Loaded by run.ts only once DYNAMODB_ENDPOINT is set, since handlers read it at import.
 */
import { createDocumentClient } from '#store/client.ts';
import { documentClient } from '#store/connections.ts';
import { measureRequestCosts, type RequestCost } from '../testkit/dynamo-costs.ts';
import { measureHandlerOverhead, type Overhead } from './handler-overhead.ts';
import { attachMeter } from '../testkit/meter.ts';
import { measureGraph, type GraphEnvironment } from './graph.ts';
import { measureEnvironment, type Environment } from '../testkit/read-amplification.ts';
import { seedingClient } from '../testkit/seed.ts';

export interface DataResults {
  readonly costs: RequestCost[];
  readonly overhead: Overhead[];
  readonly environments: Environment[];
  readonly graph: GraphEnvironment[];
}

type Section = <T>(name: string, run: () => Promise<T>) => Promise<T>;

export async function dataSections(
  endpoint: string,
  tableName: string,
  settings: { small: number; large: number; iterations: number; graphSizes: readonly number[] },
  section: Section,
): Promise<DataResults> {
  // The handlers' own client: the meter sees exactly what they send.
  const shared = documentClient;
  const costs = await section('calls per request', async () => {
    const meter = attachMeter(shared);
    try {
      return await measureRequestCosts(meter, { projectSlug: 'bench', environmentSlug: 'costs' });
    } finally {
      meter.detach();
    }
  });
  const overhead = await section('handler overhead', () =>
    measureHandlerOverhead(shared, tableName, settings.iterations),
  );
  const environments = await section('read amplification', async () => {
    const seeder = seedingClient(endpoint);
    const reader = createDocumentClient(endpoint);
    const measured: Environment[] = [];
    for (const size of [settings.small, settings.large]) {
      for (const halfDeleted of [false, true]) {
        console.error(`bench:   ${size} connections${halfDeleted ? ', half deleted' : ''}`);
        measured.push(
          await measureEnvironment(seeder, reader, tableName, process.env.PAGE_TOKEN_SECRET!, size, halfDeleted),
        );
      }
    }
    return measured;
  });
  const graph = await section('graph', async () => {
    const seeder = seedingClient(endpoint);
    const reader = createDocumentClient(endpoint);
    const measured: GraphEnvironment[] = [];
    for (const size of settings.graphSizes) {
      console.error(`bench:   graph of ${size} connections`);
      measured.push(await measureGraph(seeder, reader, tableName, process.env.PAGE_TOKEN_SECRET!, size));
    }
    return measured;
  });
  return { costs, overhead, environments, graph };
}
