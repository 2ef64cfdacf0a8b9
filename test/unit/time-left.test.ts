import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FINISH_MS, stopAt } from '../../functions/time-left.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const leaving = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

it('stops when the budget is spent, when the function has time to spare', () => {
  expect(stopAt(leaving(29_000), 20_000)).toBe(NOW + 20_000);
});

it('stops in time to finish and answer, when the timeout comes before the budget', () => {
  expect(stopAt(leaving(10_000), 20_000)).toBe(NOW + 10_000 - FINISH_MS);
});
