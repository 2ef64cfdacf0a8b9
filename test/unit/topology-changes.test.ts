/**
 * The topology page's pushed changes: which events it takes as a change of its environment, and how
 * each lands on the graph it holds (new, newer, older, deleted, purged; a whole environment or a
 * neighbourhood).
 */
import { describe, expect, it } from 'vitest';
import { applyChanges, changeOf, type Change } from '../../web/topology/src/changes.ts';
import { at, graphOf, READ_AT } from '../../testkit/topology-data.ts';

const NOW = READ_AT + 5000;

/** An event as the service publishes it (docs/api.md, Events), for connection `id` at `version`. */
function envelope(type: string, id: string, version: number, connection: Record<string, unknown> = {}) {
  return {
    id: `${id}:${version}`,
    source: 'resource-connections',
    'detail-type': type,
    time: at(1),
    detail: {
      version,
      actor: 'user-1',
      occurredAt: at(1),
      connection: {
        id,
        projectSlug: 'acme',
        environmentSlug: 'dev',
        sourceResourceType: 'application',
        sourceResourceId: 'a',
        targetResourceType: 'instance',
        targetResourceId: 'i',
        status: 'connected',
        statusReason: null,
        statusDeadline: null,
        details: {},
        createdAt: at(-600),
        updatedAt: at(1),
        createdBy: 'user-1',
        updatedBy: 'user-1',
        version,
        ...connection,
      },
    },
  };
}

const change = (...args: Parameters<typeof envelope>): Change => changeOf(envelope(...args), 'acme', 'dev')!;

describe('changeOf', () => {
  it('makes the connection an edge between its ends, with its status, version, time and deadline', () => {
    const pushed = change('Connection Created', 'c9', 1, { status: 'pending', statusDeadline: at(3600) });
    expect(pushed).toEqual({
      id: 'c9',
      version: 1,
      edge: {
        id: 'c9',
        source: 'application/a',
        target: 'instance/i',
        status: 'pending',
        version: 1,
        updatedAt: at(1),
        statusDeadline: at(3600),
      },
      ends: [
        { key: 'application/a', resourceType: 'application', resourceId: 'a' },
        { key: 'instance/i', resourceType: 'instance', resourceId: 'i' },
      ],
    });
  });

  it('takes a deletion, a purge and any event whose connection is deleted as the connection gone', () => {
    expect(change('Connection Deleted', 'c0', 3, { deletedAt: at(1) }).edge).toBeUndefined();
    expect(change('Connection Purged', 'c0', 3).edge).toBeUndefined();
    expect(change('Connection Archived', 'c0', 3, { deletedAt: at(1) }).edge).toBeUndefined();
    // A type added later, of a live connection: its state is what counts.
    expect(change('Connection Annotated', 'c0', 3).edge?.status).toBe('connected');
  });

  it('ignores another environment, and anything not shaped as a connection change', () => {
    expect(changeOf(envelope('Connection Created', 'c9', 1, { environmentSlug: 'prod' }), 'acme', 'dev')).toBe(
      undefined,
    );
    expect(changeOf(envelope('Connection Created', 'c9', 1, { projectSlug: 'other' }), 'acme', 'dev')).toBe(undefined);
    expect(changeOf(envelope('Connection Created', 'c9', 1, { sourceResourceType: 'robot' }), 'acme', 'dev')).toBe(
      undefined,
    );
    expect(changeOf(envelope('Connection Created', 'c9', 1, { status: 'lost' }), 'acme', 'dev')).toBe(undefined);
    for (const odd of [null, 'text', 42, {}, { detail: {} }, { detail: { connection: { id: 'c1' } } }])
      expect(changeOf(odd, 'acme', 'dev')).toBeUndefined();
  });
});

describe('applyChanges', () => {
  const held = () =>
    graphOf([
      ['application/a', 'instance/i', 'connected'],
      ['instance/i', 'database/d', 'pending', 600],
    ]);

  it('adds a new connection and its new resource, keeping the others as they were', () => {
    const graph = held();
    const { graph: next, reread } = applyChanges(
      graph,
      [change('Connection Created', 'c9', 1, { sourceResourceId: 'b' })],
      new Map(),
      false,
      NOW,
    );
    expect(reread).toBe(false);
    expect([...next!.edges.keys()]).toEqual(['c0', 'c1', 'c9']);
    expect([...next!.nodes.keys()]).toEqual(['application/a', 'instance/i', 'database/d', 'application/b']);
    expect(next!.edges.get('c0')).toBe(graph.edges.get('c0'));
    expect(next!.readAt).toBe(NOW);
    // The graph held is not changed: the page compares drawings by the graph they were made from.
    expect(graph.edges.size).toBe(2);
  });

  it('recolours a connection at a newer version, and drops a change not newer than the one held', () => {
    const graph = held();
    const newer = applyChanges(
      graph,
      [change('Connection Status Changed', 'c0', 2, { status: 'failed' })],
      new Map(),
      false,
      NOW,
    );
    expect(newer.graph!.edges.get('c0')).toMatchObject({ status: 'failed', version: 2 });
    expect(
      applyChanges(graph, [change('Connection Updated', 'c0', 1, { status: 'failed' })], new Map(), false, NOW),
    ).toEqual({
      graph: undefined,
      reread: false,
    });
    // In the order they came, each against the one before.
    const two = applyChanges(
      graph,
      [
        change('Connection Status Changed', 'c0', 3, { status: 'failed' }),
        change('Connection Updated', 'c0', 2, { status: 'pending' }),
      ],
      new Map(),
      false,
      NOW,
    );
    expect(two.graph!.edges.get('c0')).toMatchObject({ status: 'failed', version: 3 });
  });

  it('removes a deleted or purged connection and the resources no other connection touches, and remembers it gone', () => {
    const gone = new Map<string, number>();
    const { graph: next } = applyChanges(
      held(),
      [change('Connection Deleted', 'c0', 4, { deletedAt: at(1) })],
      gone,
      false,
      NOW,
    );
    expect([...next!.edges.keys()]).toEqual(['c1']);
    expect([...next!.nodes.keys()]).toEqual(['instance/i', 'database/d']);
    expect(gone.get('c0')).toBe(4);
    // A change older than the deletion does not bring it back; a restore (newer) does.
    expect(applyChanges(next!, [change('Connection Updated', 'c0', 3)], gone, false, NOW).graph).toBeUndefined();
    const restored = applyChanges(next!, [change('Connection Restored', 'c0', 5)], gone, false, NOW).graph!;
    expect(restored.edges.get('c0')).toMatchObject({ version: 5, source: 'application/a' });
    expect(restored.nodes.has('application/a')).toBe(true);
    // Purged after deletion: nothing left to remove.
    expect(applyChanges(next!, [change('Connection Purged', 'c0', 6)], gone, false, NOW).graph).toBeUndefined();
  });

  describe('in a neighbourhood', () => {
    it('applies a change of a connection it holds in place', () => {
      const { graph, reread } = applyChanges(
        held(),
        [change('Connection Status Changed', 'c0', 2, { status: 'failed' })],
        new Map(),
        true,
        NOW,
      );
      expect(reread).toBe(false);
      expect(graph!.edges.get('c0')?.status).toBe('failed');
    });

    it('asks for a read when a connection touching one of its resources comes or goes', () => {
      const created = applyChanges(
        held(),
        [change('Connection Created', 'c9', 1, { sourceResourceId: 'b' })],
        new Map(),
        true,
        NOW,
      );
      expect(created).toEqual({ graph: undefined, reread: true });
      const deleted = applyChanges(
        held(),
        [
          change('Connection Deleted', 'c1', 2, {
            sourceResourceType: 'instance',
            sourceResourceId: 'i',
            targetResourceType: 'database',
            targetResourceId: 'd',
            deletedAt: at(1),
          }),
        ],
        new Map(),
        true,
        NOW,
      );
      expect(deleted).toEqual({ graph: undefined, reread: true });
    });

    it('leaves out a connection between resources it does not hold', () => {
      const elsewhere = change('Connection Created', 'c9', 1, { sourceResourceId: 'far', targetResourceId: 'away' });
      expect(applyChanges(held(), [elsewhere], new Map(), true, NOW)).toEqual({ graph: undefined, reread: false });
    });
  });
});
