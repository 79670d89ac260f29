import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../src/engine/alias.js';
import { ArrivalStream, fillUntil, invertCumulative } from '../../src/engine/arrivals.js';
import type { Phase } from '../../src/scenario/scenario-model.js';
import { AleaBatch } from '../../src/util/alea-batch.js';
import { stream, stream32 } from '../../src/util/rng.js';

function drain(phases: Phase[], seed = '1', limit?: number): number[] {
  const s = new ArrivalStream(phases, stream(seed, 'arrivals'), limit);
  const out: number[] = [];
  for (let t = s.next(); t !== Number.POSITIVE_INFINITY; t = s.next()) out.push(t);
  return out;
}

describe('ArrivalStream', () => {
  it('spaces a uniform constant rate exactly', () => {
    expect(drain([{ duration: 1_000_000, arrivalRate: 4, mode: 'uniform' }])).toEqual([
      0, 250_000, 500_000, 750_000,
    ]);
  });
  it('runs phases one after another, a pause adding only time', () => {
    const phases: Phase[] = [
      { duration: 1_000_000, arrivalRate: 2, mode: 'uniform' },
      { duration: 5_000_000, pause: true, mode: 'uniform' },
      { duration: 1_000_000, arrivalCount: 2, mode: 'uniform' },
    ];
    expect(drain(phases)).toEqual([0, 500_000, 6_000_000, 6_500_000]);
  });
  it('places a linear ramp where the cumulative rate reaches each count', () => {
    // 0 → 10 req/s over 2 s: Λ(t) = 2.5 t², 10 arrivals in total.
    const times = drain([{ duration: 2_000_000, arrivalRate: 0, rampTo: 10, mode: 'uniform' }]);
    expect(times.length).toBe(10);
    expect(times[1]).toBe(Math.floor(Math.sqrt(1 / 2.5) * 1_000_000));
  });
  it('gives a Poisson count close to rate × duration and never decreases', () => {
    const times = drain([{ duration: 100_000_000, arrivalRate: 100, mode: 'poisson' }]);
    expect(Math.abs(times.length - 10_000)).toBeLessThan(400);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });
  it('puts exactly N sorted arrivals in a Poisson arrivalCount phase', () => {
    const times = drain([{ duration: 1_000_000, arrivalCount: 1000, mode: 'poisson' }]);
    expect(times.length).toBe(1000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    expect(times[999]).toBeLessThan(1_000_000);
  });
  it('stops at the request cap', () => {
    expect(drain([{ duration: 10_000_000, arrivalRate: 100, mode: 'uniform' }], '1', 3)).toEqual([
      0, 10_000, 20_000,
    ]);
  });
  it('is the same for the same seed and differs for another', () => {
    const p: Phase[] = [{ duration: 1_000_000, arrivalRate: 50, mode: 'poisson' }];
    expect(drain(p, 'a')).toEqual(drain(p, 'a'));
    expect(drain(p, 'a')).not.toEqual(drain(p, 'b'));
  });
  it('inverts the cumulative rate of a ramp', () => {
    expect(invertCumulative(2.5, 0, 10, 2)).toBeCloseTo(1, 12);
    expect(invertCumulative(5, 5, 5, 1)).toBe(1);
  });

  it('draws a constant-rate Poisson phase a batch ahead with the draws of one at a time', () => {
    // Given two constant-rate phases of several batches each, then a uniform one
    const phases: Phase[] = [
      { duration: 3_000_000, arrivalRate: 1500, mode: 'poisson' },
      { duration: 2_000_000, arrivalRate: 700, mode: 'poisson' },
      { duration: 1_000_000, arrivalRate: 3, mode: 'uniform' },
    ];
    // When the stream is drained, then every time is the one-at-a-time formula's, in order
    const random = stream('7', 'arrivals');
    const expected: number[] = [];
    let start = 0;
    for (const p of phases.slice(0, 2)) {
      let acc = 0;
      for (;;) {
        acc += -Math.log(1 - random());
        const s = acc / p.arrivalRate!;
        if (s >= p.duration / 1_000_000) break;
        expected.push(start + Math.floor(s * 1_000_000));
      }
      start += p.duration;
    }
    expected.push(5_000_000, 5_333_333, 5_666_666);
    expect(drain(phases, '7')).toEqual(expected);
    expect(expected.length).toBeGreaterThan(2 * 1024);
    // and a request cap inside a batch stops at exactly the cap
    expect(drain(phases, '7', 1500)).toEqual(expected.slice(0, 1500));
  });

  it('fills a block with the times next() gives, across batches, phases and the cap', () => {
    // Given Poisson phases of several batches, a ramp and a uniform phase, under a cap
    const phases: Phase[] = [
      { duration: 2_000_000, arrivalRate: 1500, mode: 'poisson' },
      { duration: 1_000_000, arrivalRate: 100, rampTo: 900, mode: 'poisson' },
      { duration: 1_000_000, arrivalRate: 3, mode: 'uniform' },
    ];
    const expected = drain(phases, '9', 3500);
    // When the same stream fills blocks of 1 000 (none lines up with a batch or a phase)
    const s = new ArrivalStream(phases, stream('9', 'arrivals'), 3500);
    const out = new Float64Array(4 * 1000 + 3);
    const counts: number[] = [];
    for (let k = 0; k < 4; k++) counts.push(s.fill(out, 3 + k * 1000, 1000));
    // Then the blocks hold the times in order, the last one short at the cap, and no more come
    expect(counts).toEqual([1000, 1000, 1000, 500]);
    expect(Array.from(out.subarray(3, 3 + 3500))).toEqual(expected);
    expect(s.fill(out, 0, 10)).toBe(0);
    expect(s.next()).toBe(Number.POSITIVE_INFINITY);
  });

  it("draws from a batch source (the engine's AleaBatch) what it draws from the one-at-a-time stream", () => {
    // Given Poisson phases (constant, ramp, count) drawn from the 32-bit stream both ways
    const phases: Phase[] = [
      { duration: 2_000_000, arrivalRate: 1500, mode: 'poisson' },
      { duration: 1_000_000, arrivalRate: 100, rampTo: 900, mode: 'poisson' },
      { duration: 1_000_000, arrivalCount: 700, mode: 'poisson' },
    ];
    const times = (s: ArrivalStream) => {
      const out: number[] = [];
      for (let t = s.next(); t !== Number.POSITIVE_INFINITY; t = s.next()) out.push(t);
      return out;
    };
    const one = times(new ArrivalStream(phases, stream32('b', 'arrivals')));
    // Then the times are the same, every one
    expect(times(new ArrivalStream(phases, new AleaBatch('b', 'arrivals')))).toEqual(one);
    expect(one.length).toBeGreaterThan(3000);
  });

  it("fills up to the run's end (fillUntil): the times at or before `until`, no later one", () => {
    // Given a uniform phase of 10 arrivals a second (one every 100 ms)
    const phases: Phase[] = [{ duration: 2_000_000, arrivalRate: 10, mode: 'uniform' }];
    const s = new ArrivalStream(phases, stream('u', 'arrivals'));
    const out = new Float64Array(10);
    // When blocks of 5 are filled up to 650 ms, then the first is whole and the second stops at 600 ms
    expect(fillUntil(s, out, 0, 5, 650_000)).toBe(5);
    expect(fillUntil(s, out, 5, 5, 650_000)).toBe(2);
    expect(Array.from(out.subarray(0, 7))).toEqual([0, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000]);
  });
});

describe('AliasTable', () => {
  it('draws each entry in proportion to its weight', () => {
    const table = new AliasTable([5, 1, 1, 0]);
    const counts = [0, 0, 0, 0];
    const r = stream('x', 'mix');
    for (let i = 0; i < 70_000; i++) counts[table.draw(r)]++;
    expect(counts[3]).toBe(0);
    expect(Math.abs(counts[0] - 50_000)).toBeLessThan(600);
    expect(Math.abs(counts[1] - 10_000)).toBeLessThan(400);
  });
});
