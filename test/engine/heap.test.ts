import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../src/engine/heap.js';

describe('EventHeap', () => {
  it('pops by time, then priority, then insertion order', () => {
    const h = new EventHeap(2);
    h.push(10, 1, 0, 1);
    h.push(5, 1, 0, 2);
    h.push(10, 0, 0, 3);
    h.push(10, 1, 0, 4);
    h.push(5, 1, 0, 5);
    const out: number[] = [];
    while (h.size > 0) {
      h.pop();
      out.push(h.poppedPayload);
    }
    expect(out).toEqual([2, 5, 3, 1, 4]);
  });

  it('matches a stable sort of (time, priority, seq) for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 }))),
        (items) => {
          const h = new EventHeap(1);
          for (const [i, [t, p]] of items.entries()) h.push(t, p, p, i);
          const expected = items
            .map(([t, p], i) => ({ t, p, i }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
            .map((x) => x.i);
          const got: number[] = [];
          while (h.size > 0) {
            h.pop();
            got.push(h.poppedPayload);
          }
          expect(got).toEqual(expected);
        },
      ),
    );
  });
});
