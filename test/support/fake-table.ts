/**
 * An in-memory table behind the data routes' handler tests: the document client's `send` is
 * replaced, so nothing leaves the process, and every command a handler sent is kept. It answers a
 * GetItem by key, applies a transaction's Puts and Deletes (conditions unchecked: these tests are
 * not about concurrency), and answers a Query with every item of the partition asked for, on the
 * environment index (`byEnvironment`) or the list index.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { toItem } from '#store/connection-item.ts';
import type { Connection } from '#model/representations.ts';

export interface FakeTable {
  /** The client's `send`, spied on: every command sent, and a way to make it fail. */
  readonly send: MockInstance;
  /** The commands of one type that were sent, each as the arguments of its call. */
  sent(type: abstract new (...args: never[]) => unknown): unknown[][];
  /** Stores a connection as the store writes it. */
  put(connection: Connection): void;
}

const itemKey = (key: Record<string, unknown> | undefined) => `${String(key?.pk)}|${String(key?.sk)}`;

async function answer(items: Map<string, Record<string, unknown>>, command: unknown): Promise<unknown> {
  if (command instanceof GetCommand) return { Item: items.get(itemKey(command.input.Key)) };
  if (command instanceof TransactWriteCommand) {
    for (const write of command.input.TransactItems ?? []) {
      if (write.Put?.Item) items.set(itemKey(write.Put.Item), write.Put.Item);
      if (write.Delete?.Key) items.delete(itemKey(write.Delete.Key));
    }
    return {};
  }
  if (command instanceof QueryCommand) {
    const values = command.input.ExpressionAttributeValues ?? {};
    // A table Query is a connection's items (pk, and sk from :first to :last); an index Query, one partition.
    const found = [...items.values()].filter((item) =>
      command.input.IndexName === undefined
        ? item.pk === values[':pk'] && String(item.sk) >= values[':first'] && String(item.sk) <= values[':last']
        : item[command.input.IndexName === 'byEnvironment' ? 'gsi4pk' : 'gsi1pk'] === values[':pk'],
    );
    return { Items: found, Count: found.length, ScannedCount: found.length };
  }
  throw new Error(`unexpected command ${String(command)}`);
}

/** An empty table for each test of the file that calls this (at its top level); the real client again after. */
export function useFakeTable(): FakeTable {
  let items = new Map<string, Record<string, unknown>>();
  let send: MockInstance | undefined;
  beforeEach(() => {
    items = new Map();
    send = vi
      .spyOn(DynamoDBDocumentClient.prototype, 'send')
      .mockImplementation(((command: unknown) => answer(items, command)) as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return {
    get send() {
      if (!send) throw new Error('the fake table is installed before each test');
      return send;
    },
    sent(type) {
      return this.send.mock.calls.filter(([command]) => command instanceof type);
    },
    put(connection) {
      const item = toItem(connection, { detailsVersion: undefined, shardCount: 1 });
      items.set(itemKey(item), item);
    },
  };
}
