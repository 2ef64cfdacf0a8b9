/**
 * Connections as graph edges: the one Query both of its readers
 * (whole-environment pages, graph.ts; neighbourhoods, neighbourhood.ts) use. The Query projects only
 * what an edge shows, so a page moves a fraction of what the index holds.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { GraphEdge, GraphNode } from '#model/representations.ts';
import type { ResourceType, Status } from '#model/vocabulary.ts';
import type { QueryObserver } from '../listing.ts';
import type { StreamKey } from '../page-token.ts';
import { TABLE, type IndexName } from '../table-definition.ts';

/** What the graph reads with: the repository's client and settings. */
export interface GraphSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly pageTokenSecret: string;
  readonly observe?: QueryObserver | undefined;
}

/** One partition of an index (or one resource's range of it), read from its start or from where the token says. */
export interface GraphStream {
  readonly index: IndexName;
  readonly partition: string;
  readonly prefix?: string;
}

/** The connection attributes an edge needs. */
const EDGE_ATTRIBUTES = [
  'id',
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
  'version',
  'updatedAt',
  'deletedAt',
] as const;

/** One Query of up to `limit` edges; `next` is where the partition goes on, if it does. */
export async function queryEdges(
  source: GraphSource,
  stream: GraphStream,
  limit: number,
  start: StreamKey | undefined,
): Promise<{ edges: GraphEdge[]; next: StreamKey | undefined }> {
  const index = TABLE.indexes[stream.index];
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': stream.partition };
  EDGE_ATTRIBUTES.forEach((attribute, i) => (names[`#a${i}`] = attribute));
  let condition = '#pk = :pk';
  if (stream.prefix) {
    names['#sk'] = index.sortKey;
    values[':prefix'] = stream.prefix;
    condition += ' AND begins_with(#sk, :prefix)';
  }
  const input: QueryCommandInput = {
    TableName: source.tableName,
    IndexName: index.indexName,
    KeyConditionExpression: condition,
    ProjectionExpression: EDGE_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
  const out = await source.client.send(new QueryCommand(input));
  source.observe?.({ scannedCount: out.ScannedCount ?? 0, count: out.Count ?? 0 });
  return { edges: (out.Items ?? []).map(toEdge), next: out.LastEvaluatedKey as StreamKey | undefined };
}

export const nodeKey = (type: string, id: string): string => `${type}/${id}`;

function toEdge(item: Record<string, unknown>): GraphEdge {
  const edge: GraphEdge = {
    id: String(item.id),
    source: nodeKey(String(item.sourceResourceType), String(item.sourceResourceId)),
    target: nodeKey(String(item.targetResourceType), String(item.targetResourceId)),
    status: item.status as Status,
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
  };
  return item.deletedAt === undefined ? edge : { ...edge, deletedAt: String(item.deletedAt) };
}

/** The nodes the edges touch, each once, in key order. */
export function nodesOf(edges: readonly GraphEdge[]): GraphNode[] {
  const keysTouched = new Set(edges.flatMap((edge) => [edge.source, edge.target]));
  return [...keysTouched].sort().map((key) => {
    const slash = key.indexOf('/');
    return { key, resourceType: key.slice(0, slash) as ResourceType, resourceId: key.slice(slash + 1) };
  });
}
