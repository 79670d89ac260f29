import { describe, expect, it } from 'vitest';
import { ConsistentHash } from '../../src/schedulers/consistent-hash.js';
import { createScheduler } from '../../src/schedulers/factory.js';
import { LeastConnections } from '../../src/schedulers/least-conn.js';
import { LvsRoundRobin } from '../../src/schedulers/lvs-rr.js';
import { LvsWeightedLeastConnection } from '../../src/schedulers/lvs-wlc.js';
import { LvsWeightedRoundRobin } from '../../src/schedulers/lvs-wrr.js';
import { RoundRobin } from '../../src/schedulers/rr.js';
import { SmoothWeightedRoundRobin } from '../../src/schedulers/swrr.js';

describe('createScheduler', () => {
  it.each([
    ['wrr', 7, SmoothWeightedRoundRobin, true],
    ['rr', 7, RoundRobin, true],
    ['wlc', 7, LeastConnections, false],
    ['wrr', 4, LvsWeightedRoundRobin, true],
    ['rr', 4, LvsRoundRobin, true],
    ['wlc', 4, LvsWeightedLeastConnection, false],
    ['sch', 4, ConsistentHash, false],
    ['tch', 4, ConsistentHash, false],
    ['qch', 4, ConsistentHash, false],
  ] as const)('maps %s at layer %i', (name, layer, cls, deterministic) => {
    const s = createScheduler({ name, layer });
    expect(s).toBeInstanceOf(cls);
    expect(s.name).toBe(name);
    expect(s.layer).toBe(layer);
    expect(s.deterministic).toBe(deterministic);
  });

  it('refuses consistent hashing at layer 7 and unknown names', () => {
    expect(() => createScheduler({ name: 'sch', layer: 7 })).toThrow(/layer-4/);
    expect(() => createScheduler({ name: 'lc' as never, layer: 4 })).toThrow(/unknown scheduler/);
  });
});
