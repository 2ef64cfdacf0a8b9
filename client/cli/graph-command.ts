/** `graph`: the whole environment, or one resource's neighbourhood, as a table, JSON, DOT or Mermaid. */
import { Option, type Command } from 'commander';
import type { Graph, ResourceConnections } from '../src/index.ts';
import { parseResource, statusOption, type Act } from './commands.ts';
import { edgeLabel, inOrder, toDot, toMermaid } from './graph-format.ts';
import { printJson, table, UsageError } from './output.ts';

interface GraphCommandOptions {
  resource?: string;
  depth?: '1' | '2' | '3';
  direction?: 'in' | 'out' | 'both';
  status?: Graph['edges'][number]['status'];
  includeDeleted?: boolean;
  format: 'table' | 'json' | 'dot' | 'mermaid';
}

export function defineGraphCommand(program: Command, act: Act): void {
  program
    .command('graph')
    .description('the connections as a graph: the whole environment, or --resource and its neighbourhood')
    .option('--resource <type/id>', 'only what is within --depth hops of this resource')
    .addOption(new Option('--depth <n>', 'hops from --resource (default 1)').choices(['1', '2', '3']))
    .addOption(
      new Option('--direction <direction>', 'follow connections out, in or both (default both)').choices([
        'in',
        'out',
        'both',
      ]),
    )
    .addOption(statusOption())
    .option('--include-deleted', 'include soft-deleted connections')
    .addOption(
      new Option('--format <format>', 'table, JSON, Graphviz DOT or Mermaid (the last two in a fixed order)')
        .choices(['table', 'json', 'dot', 'mermaid'])
        .default('table'),
    )
    .action(
      act(async (context, options: GraphCommandOptions) => {
        const graph = await readGraph(context.client, options);
        const format = context.output.json ? 'json' : options.format;
        if (format === 'json') return printJson(context.output, graph);
        // On stderr, so that a truncated picture still says so when stdout goes into a file.
        if (graph.truncated) context.output.err('truncated: the neighbourhood holds more than 1,000 connections');
        const { project, environment } = context.client.options;
        if (format === 'dot') return context.output.out(toDot(graph, `${project}/${environment}`));
        if (format === 'mermaid') return context.output.out(toMermaid(graph));
        table(
          context.output,
          ['ID', 'SOURCE', 'TARGET', 'STATUS', 'VERSION', 'UPDATED'],
          inOrder(graph).edges.map((e) => [e.id, e.source, e.target, edgeLabel(e), e.version, e.updatedAt]),
        );
      }),
    );
}

async function readGraph(client: ResourceConnections, options: GraphCommandOptions): Promise<Graph> {
  if (!options.resource) {
    if (options.depth || options.direction) throw new UsageError('--depth and --direction need --resource');
    const graph = await client.graph.all({ status: options.status, includeDeleted: options.includeDeleted });
    return { ...graph, nextToken: null, truncated: false };
  }
  if (options.status || options.includeDeleted) {
    throw new UsageError('--status and --include-deleted apply to the whole environment, not to --resource');
  }
  const { type, id } = parseResource(options.resource);
  return client.graph.neighbourhood(type, id!, {
    depth: options.depth && (Number(options.depth) as 1 | 2 | 3),
    direction: options.direction,
  });
}
