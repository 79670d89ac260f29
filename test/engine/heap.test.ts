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

  it('carries kind and payload', () => {
    const h = new EventHeap();
    h.push(7, 2, 5, 123_456);
    h.pop();
    expect([h.poppedTime, h.poppedKind, h.poppedPayload]).toEqual([7, 5, 123_456]);
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

  it('interleaved like the engine (pushes never before the last pop) equals a reference queue', () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 2 ** 40 }), prio: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ push: fc.integer({ min: 0, max: 5 }), prio: fc.integer({ min: 0, max: 3 }) }),
      fc.constant({ pop: true as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 52 }), (ops, start) => {
        const h = new EventHeap(1);
        const ref: Array<{ t: number; p: number; i: number }> = [];
        let now = 0;
        let id = 0;
        h.push(start, 0, 0, id);
        ref.push({ t: start, p: 0, i: id++ });
        for (const o of ops) {
          if ('pop' in o) {
            if (ref.length === 0) continue;
            ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
            const want = ref.shift()!;
            expect(h.peekTime()).toBe(want.t);
            h.pop();
            expect([h.poppedTime, h.poppedPayload]).toEqual([want.t, want.i]);
            now = want.t;
          } else {
            const t = now + o.push;
            h.push(t, o.prio, 1, id);
            ref.push({ t, p: o.prio, i: id++ });
          }
          expect(h.size).toBe(ref.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
