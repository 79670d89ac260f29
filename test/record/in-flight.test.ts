import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JournalBatch } from '../../src/journal/journal-batch.js';
import { InFlightRows } from '../../src/record/in-flight.js';
import { OUTCOME_OK } from '../../src/routing/outcomes.js';

describe('InFlightRows', () => {
  it('property: behaves as a map from id to row under any hold/release order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 600 }),
        fc.integer({ min: 0, max: 2 ** 20 }),
        (ops, base) => {
          const store = new InFlightRows(2);
          const model = new Map<number, number>();
          const b = new JournalBatch(1);
          for (const [hold, k] of ops) {
            const id = base + k * 1024; // colliding home slots
            if (hold && !model.has(id)) {
              b.clear();
              b.pushRouted({
                t: k,
                id,
                listener: 0,
                template: 0,
                clientIp: 0,
                clientPort: k,
                node: 0,
                worker: 0,
                scope: 0,
                backend: 0,
                outcome: OUTCOME_OK,
                attempts: 1,
                flags: 0,
              });
              store.hold(b, 0);
              model.set(id, k);
            } else if (!hold) {
              store.release(id);
              model.delete(id);
            }
            expect(store.size).toBe(model.size);
          }
          for (const [id, k] of model) {
            const s = store.find(id);
            expect(s).toBeGreaterThanOrEqual(0);
            expect(store.clientPort[s]).toBe(k);
          }
          expect(store.find(base - 1)).toBe(-1);
          const order = store.heldInArrivalOrder().map((s) => store.id[s]);
          expect(order).toEqual(
            [...model.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([id]) => id),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
