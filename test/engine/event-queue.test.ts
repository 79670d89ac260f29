import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COARSE_SPAN, EventQueue, GRAIN, WHEEL_SPAN } from '../../src/engine/event-queue.js';
import { EventHeap } from '../../src/engine/heap.js';

type Op = { push: true; dt: number; priority: number; kind: number } | { push: false };

/** Replay `ops` on a queue (pushes at the last popped time + dt); the popped entries in order. */
function replay(q: EventHeap | EventQueue, ops: readonly Op[]): number[][] {
  const out: number[][] = [];
  let now = 0;
  let payload = 0;
  for (const op of ops) {
    if (op.push) q.push(now + op.dt, op.priority, op.kind, payload++);
    else if (q.size > 0) {
      out.push([q.peekTime(), q.peekOrder()]);
      q.pop();
      now = q.poppedTime;
      out.push([q.poppedTime, q.poppedKind, q.poppedPayload]);
    }
  }
  while (q.size > 0) {
    q.pop();
    out.push([q.poppedTime, q.poppedKind, q.poppedPayload]);
  }
  return out;
}

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    push: fc.constant(true as const),
    // Same µs, one slot, near (in the wheel), at the wheel's edge, a few coarse slots on (each
    // half a wheel), at the coarse wheel's edge, far beyond it.
    dt: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 2 * GRAIN }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: WHEEL_SPAN - 2 * GRAIN, max: WHEEL_SPAN + 2 * GRAIN }),
      fc.integer({ min: 0, max: 3 * WHEEL_SPAN }),
      fc.integer({ min: WHEEL_SPAN / 2 - 2 * GRAIN, max: 40 * WHEEL_SPAN }),
      fc.integer({ min: COARSE_SPAN - 3 * WHEEL_SPAN, max: COARSE_SPAN + 3 * WHEEL_SPAN }),
      fc.integer({ min: 0, max: 3 * COARSE_SPAN }),
    ),
    priority: fc.integer({ min: 0, max: 3 }),
    kind: fc.integer({ min: 0, max: 7 }),
  }),
  fc.constant({ push: false as const }),
);

describe('EventQueue', () => {
  it('pops in the heap order (time, priority, sequence), wherever the entries fall', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2500 }), (ops) => {
        expect(replay(new EventQueue(), ops)).toEqual(replay(new EventHeap(), ops));
      }),
      { numRuns: 120 },
    );
  });

  it('regression (fast-check seed 17332365): an emptied slot refilled a wheel later is not taken for the earliest', () => {
    // Given slot 0 used and emptied at 0 µs, then a pop from the heap at 65 539 µs
    const q = new EventQueue();
    q.push(0, 0, 0, 0);
    q.pop();
    q.push(65_539, 0, 0, 1);
    q.pop();
    // When an entry lands at 65 539 µs (slot 3) and another at 131 072 µs (slot 0 again)
    q.push(65_539, 0, 0, 2);
    q.push(131_072, 0, 0, 3);
    // Then the earlier pops first
    const popped: number[][] = [];
    while (q.size > 0) {
      q.pop();
      popped.push([q.poppedTime, q.poppedPayload]);
    }
    expect(popped).toEqual([
      [65_539, 2],
      [131_072, 3],
    ]);
  });

  it('keeps the order of one µs when a later push has a smaller priority', () => {
    // Given three entries of one µs pushed with priorities 2, 0, 1
    const q = new EventQueue();
    q.push(10, 2, 1, 100);
    q.push(10, 0, 2, 200);
    q.push(10, 1, 3, 300);
    // When they are popped, then priority 0 comes first, then 1, then 2
    const popped: number[] = [];
    while (q.size > 0) {
      q.pop();
      popped.push(q.poppedPayload);
    }
    expect(popped).toEqual([200, 300, 100]);
  });

  it('regression: an emptied slot refilled a whole wheel later, at the span of the wheel of 8 µs slots', () => {
    // Given slot 0 used and emptied at 0 µs, then a pop from the heap just past the span
    const q = new EventQueue();
    q.push(0, 0, 0, 0);
    q.pop();
    q.push(WHEEL_SPAN + 3, 0, 0, 1);
    q.pop();
    // When an entry lands in that slot and another in slot 0 again, a wheel later
    q.push(WHEEL_SPAN + 3, 0, 0, 2);
    q.push(2 * WHEEL_SPAN, 0, 0, 3);
    // Then the earlier pops first
    const popped: number[][] = [];
    while (q.size > 0) {
      q.pop();
      popped.push([q.poppedTime, q.poppedPayload]);
    }
    expect(popped).toEqual([
      [WHEEL_SPAN + 3, 2],
      [2 * WHEEL_SPAN, 3],
    ]);
  });

  it('keeps time order inside one slot whatever the order of the pushes', () => {
    // Given entries of one slot pushed out of time order, two of them at the same µs
    const q = new EventQueue();
    for (const [t, payload] of [
      [GRAIN + 5, 1],
      [GRAIN + 1, 2],
      [GRAIN + 7, 3],
      [GRAIN + 1, 4],
      [GRAIN + 3, 5],
    ])
      q.push(t, 0, 0, payload);
    // When they are popped, then by time, and in push order within one µs
    const popped: number[] = [];
    while (q.size > 0) {
      q.pop();
      popped.push(q.poppedPayload);
    }
    expect(popped).toEqual([2, 4, 5, 1, 3]);
  });

  it('grows past its first node pool and wraps the wheel many times', () => {
    const q = new EventQueue();
    const h = new EventHeap();
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      const dt = (i * 7919) % (3 * WHEEL_SPAN);
      q.push(now + dt, 2, 4, i);
      h.push(now + dt, 2, 4, i);
      if (i % 3 === 0) {
        q.pop();
        h.pop();
        expect([q.poppedTime, q.poppedPayload]).toEqual([h.poppedTime, h.poppedPayload]);
        now = q.poppedTime;
      }
    }
    expect(q.size).toBe(h.size);
  });
});
