/**
 * Which change-stream records make events, as Lambda event filters (the EventBridge pattern syntax):
 * the stack puts them on the publisher's event source, so that it is invoked only for those, and
 * the local server applies the same patterns to DynamoDB Local's stream (local/event-filter.ts).
 * Plain data, no runtime imports but the table definition: lib/ reads it too.
 *
 * - a connection item written (INSERT, MODIFY): every change of a connection;
 * - a connection item removed by DynamoDB's TTL (its identity says so): a soft-deleted connection
 *   at the end of its retention. No other item is ever removed from under a connection.
 * History entries, details items, pair guards, idempotency records, and every other item's TTL
 * deletes match neither.
 */
import { TABLE } from '#store/table-definition.ts';

/** The identity DynamoDB gives the stream records of the items its TTL deletes. */
export const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** The sort key every connection item has, and no other item (keys.ts `keys.connection`). */
const CONNECTION_ITEM = { Keys: { [TABLE.sortKey]: { S: ['CONNECTION'] } } };

export const PUBLISHED_RECORDS: readonly Record<string, unknown>[] = [
  { eventName: ['INSERT', 'MODIFY'], dynamodb: CONNECTION_ITEM },
  {
    eventName: ['REMOVE'],
    userIdentity: { type: [TTL_IDENTITY.type], principalId: [TTL_IDENTITY.principalId] },
    dynamodb: CONNECTION_ITEM,
  },
];
