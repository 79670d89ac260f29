import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientCounts } from '../../src/logs/client-counts.js';

describe('ClientCounts', () => {
  it('given rows of clients, when counted, then it holds what a Map holds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 600 }), (ids) => {
        const c = new ClientCounts();
        const m = new Map<number, number>();
        for (const id of ids) {
          if (!c.bump(id)) c.add(id, 1);
          m.set(id, (m.get(id) ?? 0) + 1);
        }
        expect(c.size).toBe(m.size);
        for (const [id, n] of m) {
          expect(c.has(id)).toBe(true);
          expect(c.get(id)).toBe(n);
        }
        expect(c.toJSON()).toEqual([...m].sort((a, b) => a[0] - b[0]));
      }),
    );
  });

  it('given an unknown client, when bumped, then nothing is counted', () => {
    const c = new ClientCounts();
    expect(c.bump(7)).toBe(false);
    expect(c.size).toBe(0);
    expect(c.has(7)).toBe(false);
    c.add(7, 3);
    expect(c.bump(7)).toBe(true);
    expect(c.get(7)).toBe(4);
  });

  it('given a structured clone, when revived, then it counts on', () => {
    const c = new ClientCounts();
    for (let i = 0; i < 100; i++) c.add(i * 7919, i + 1);
    const r = ClientCounts.revive(structuredClone(c));
    r.add(7919, 1);
    expect(r.get(7919)).toBe(3);
    expect(r.size).toBe(100);
    expect(r.toJSON()).toHaveLength(100);
  });
});
