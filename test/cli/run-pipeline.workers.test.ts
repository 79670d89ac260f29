import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultRunWorkers, WORKERS_MIN_REQUESTS } from '../../src/cli/run-pipeline.js';

describe('the default of run --workers', () => {
  it('uses the cores from 10 000 000 expected requests on', () => {
    expect(WORKERS_MIN_REQUESTS).toBe(10_000_000);
    expect(defaultRunWorkers(10_000_000, false)).toBe(availableParallelism());
    expect(defaultRunWorkers(50_000_000, false)).toBe(availableParallelism());
  });

  it('uses one thread below that', () => {
    expect(defaultRunWorkers(9_999_999, false)).toBe(1);
    expect(defaultRunWorkers(1, false)).toBe(1);
  });

  it('uses one thread for a run that writes one run’s files (--record, --journal, --shard), however long', () => {
    expect(defaultRunWorkers(50_000_000, true)).toBe(1);
  });
});
