import fc from 'fast-check';
import { build } from 'hdr-histogram-js';
import { expect, it } from 'vitest';
import { LatencyRecorder } from '../../../src/report/projections/latency.js';

it('matches hdr-histogram-js exactly', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 5000 }),
          fc.integer({ min: 0, max: 2 ** 31 + 100 }),
          fc.integer({ min: 0, max: 10_000_000 }),
        ),
        { minLength: 1, maxLength: 300 },
      ),
      (vals) => {
        const r = new LatencyRecorder();
        const h = build({ numberOfSignificantValueDigits: 3, autoResize: true, bitBucketSize: 64 });
        for (const v of vals) {
          r.record(v);
          h.recordValue(v);
        }
        for (const p of [0, 1, 50, 90, 99, 99.9, 100])
          expect(r.h.getValueAtPercentile(p)).toBe(h.getValueAtPercentile(p));
        expect(r.h.totalCount).toBe(vals.length);
      },
    ),
    { numRuns: 300 },
  );
});
