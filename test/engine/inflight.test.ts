import { describe, expect, it } from 'vitest';
import { InflightRequests } from '../../src/engine/inflight.js';
import { Connection } from '../../src/routing/route-result.js';

function conn(scope: number, node: number, worker: number, member: number, backend: number): Connection {
  return Object.assign(new Connection(), { scope, node, worker, member, backend });
}

describe('InflightRequests', () => {
  it('given requests added, then each slot gives back its id, start and connection; freed slots are reused', () => {
    const f = new InflightRequests();
    const a = f.add(7, 1.5, conn(1, 2, 3, 4, 5));
    const b = f.add(8, 2.5, conn(6, 0, 1, 2, 9));
    expect([f.id(a), f.start(a), f.id(b), f.start(b)]).toEqual([7, 1.5, 8, 2.5]);
    expect({ ...f.connection(b, new Connection()) }).toEqual({
      scope: 6,
      node: 0,
      worker: 1,
      member: 2,
      backend: 9,
    });
    f.release(a);
    const c = f.add(9, 3, conn(0, 0, 0, 0, 0));
    expect(c).toBe(a);
    expect({ ...f.connection(b, new Connection()) }).toEqual({
      scope: 6,
      node: 0,
      worker: 1,
      member: 2,
      backend: 9,
    });
  });

  it('grows past its first capacity without losing a slot', () => {
    const f = new InflightRequests();
    const slots = Array.from({ length: 3000 }, (_, i) => f.add(i, i / 2, conn(i, 0, 0, i % 7, i * 3)));
    expect(new Set(slots).size).toBe(3000);
    const c = new Connection();
    for (const [i, s] of slots.entries()) {
      expect(f.id(s)).toBe(i);
      expect(f.connection(s, c).backend).toBe(i * 3);
    }
  });
});
