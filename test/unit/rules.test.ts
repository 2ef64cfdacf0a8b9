import { describe, expect, it } from 'vitest';
import {
  allowedTargets,
  CONNECTION_RULES,
  isConnectionAllowed,
  isTransitionAllowed,
  STATUS_TRANSITIONS,
} from '#domain/rules.ts';
import { RESOURCE_TYPES, STATUSES, type ResourceType, type Status } from '#model/vocabulary.ts';

// docs/api.md's tables (docs/api.md, Which resources may connect; Statuses and transitions), restated here on purpose: the test must
// not read them from the code it checks.
const CONTRACT_TYPES = [
  'instance',
  'application',
  'database',
  'terminal',
  'firewall',
  'storage_bucket',
  'bucket_explorer',
  'static_website',
] as const;

const CONTRACT_ALLOWED_PAIRS = new Set([
  'application->instance',
  'terminal->instance',
  'bucket_explorer->storage_bucket',
  'bucket_explorer->static_website',
  'instance->firewall',
  'instance->database',
]);

const CONTRACT_STATUSES = ['pending', 'connecting', 'connected', 'failed', 'disconnected'] as const;

const CONTRACT_TRANSITIONS: Record<string, readonly string[]> = {
  pending: ['connecting', 'failed', 'disconnected'],
  connecting: ['connected', 'failed', 'disconnected'],
  connected: ['disconnected', 'failed'],
  failed: ['pending', 'connecting', 'disconnected'],
  disconnected: ['pending', 'connecting'],
};

describe('resource types', () => {
  it('are exactly the eight types of the contract', () => {
    // prepare / act
    const types = [...RESOURCE_TYPES];

    // assess
    expect(types.sort()).toEqual([...CONTRACT_TYPES].sort());
  });
});

describe('connection pair rules', () => {
  const matrix = CONTRACT_TYPES.flatMap((source) =>
    CONTRACT_TYPES.map((target) => ({ source, target, allowed: CONTRACT_ALLOWED_PAIRS.has(`${source}->${target}`) })),
  );

  it.each(matrix)('$source -> $target is allowed: $allowed', ({ source, target, allowed }) => {
    // act
    const result = isConnectionAllowed(source, target);

    // assess
    expect(result).toBe(allowed);
  });

  it.each(CONTRACT_TYPES.map((source) => ({ source })))(
    'allowedTargets($source) lists exactly the contract targets for that source',
    ({ source }) => {
      // prepare
      const expected = CONTRACT_TYPES.filter((target) => CONTRACT_ALLOWED_PAIRS.has(`${source}->${target}`));

      // act
      const targets = allowedTargets(source);

      // assess
      expect([...targets].sort()).toEqual([...expected].sort());
      expect(new Set(targets).size).toBe(targets.length);
    },
  );

  it('gives no targets for types that are never a source', () => {
    const neverSources: ResourceType[] = ['database', 'firewall', 'storage_bucket', 'static_website'];

    for (const source of neverSources) expect(allowedTargets(source)).toEqual([]);
  });

  it('describes every rule so /connection-rules can explain it', () => {
    for (const rule of CONNECTION_RULES) {
      expect(rule.description.trim().length).toBeGreaterThan(0);
      expect(rule.targetResourceTypes.length).toBeGreaterThan(0);
    }
  });
});

describe('status transitions', () => {
  it('know exactly the five statuses of the contract', () => {
    expect([...STATUSES].sort()).toEqual([...CONTRACT_STATUSES].sort());
    expect(Object.keys(STATUS_TRANSITIONS).sort()).toEqual([...CONTRACT_STATUSES].sort());
  });

  const matrix = CONTRACT_STATUSES.flatMap((from) =>
    CONTRACT_STATUSES.map((to) => ({
      from,
      to,
      allowed: from === to || (CONTRACT_TRANSITIONS[from] ?? []).includes(to),
    })),
  );

  it.each(matrix)('$from -> $to is allowed: $allowed', ({ from, to, allowed }) => {
    // act
    const result = isTransitionAllowed(from, to);

    // assess
    expect(result).toBe(allowed);
  });

  it.each(CONTRACT_STATUSES.map((status) => ({ status })))(
    'setting $status to itself is an allowed no-op',
    ({ status }) => {
      expect(isTransitionAllowed(status, status)).toBe(true);
    },
  );

  it.each(CONTRACT_STATUSES.map((from) => ({ from })))(
    'the table published for $from (used in 409 answers) lists exactly the contract moves',
    ({ from }) => {
      // act
      const published: readonly Status[] = STATUS_TRANSITIONS[from];

      // assess
      expect([...published].sort()).toEqual([...(CONTRACT_TRANSITIONS[from] ?? [])].sort());
      expect(published).not.toContain(from);
    },
  );
});
