import { describe, expect, it } from 'vitest';
import { FLAG_STICKY } from '../../src/journal/journal-rows.js';
import { reportFromBatches } from '../../src/report/report-projection.js';
import { OUTCOME_BACKEND_ERROR, OUTCOME_NO_BACKEND } from '../../src/routing/outcomes.js';
import { JournalBuilder, lvsWrr, swrr } from './journal-builder.js';

/** One listener, one scope over backends A, B, C (ports 80) with the given weights. */
function oneGroup(weights: number[], opts: { deterministic?: boolean; scheduler?: string } = {}) {
  const j = new JournalBuilder().start();
  const l = j.listener('lb-1:http:80');
  const bs = weights.map((_, i) => j.backend(`i-${'abc'[i]}`, 80));
  const s = j.scope({
    listener: l,
    deterministic: opts.deterministic ?? true,
    scheduler: opts.scheduler ?? 'wrr',
  });
  j.epoch(
    s,
    0,
    bs.map((b, i) => [b, weights[i]]),
  );
  return { j, l, bs, s };
}

describe('weight fidelity per epoch', () => {
  it('Given nginx SWRR {5,1,1} for 3 cycles, Then counts are exact, χ² = 0, discrepancy 4/7, longest run 4', () => {
    const { j, l, bs, s } = oneGroup([5, 1, 1]);
    swrr([5, 1, 1], 21).forEach((m, t) => {
      j.route(t * 1000, { listener: l, scope: s, backend: bs[m] });
    });
    const r = reportFromBatches(j.finish(21_000).done());
    expect(r.requests).toBe(21);
    const ep = r.groups[0].epochs[0];
    expect(
      ep.backends.map((b) => [b.ServerId, b.Port, b.Weight, b.count, b.expectedShare, b.observedShare]),
    ).toEqual([
      ['i-a', 80, 5, 15, 0.714286, 0.714286],
      ['i-b', 80, 1, 3, 0.142857, 0.142857],
      ['i-c', 80, 1, 3, 0.142857, 0.142857],
    ]);
    expect(ep.fidelity).toEqual({
      chiSquare: 0,
      df: 2,
      pValue: 1,
      minExpected: 3,
      tvd: 0,
      maxAbsDeviation: 0,
    });
    expect(ep.sequence).toEqual({
      maxPrefixDiscrepancy: 0.571429,
      longestRun: 4,
      cycleLength: 7,
      completeCycles: 3,
      cyclesExact: true,
    });
    expect(ep.instances).toHaveLength(1);
    expect(ep.instances[0]).toMatchObject({
      node: 0,
      worker: 0,
      picks: 21,
      counts: [15, 3, 3],
      cyclesExact: true,
    });
  });

  it('Given LVS wrr {5,1,1}, Then discrepancy is 10/7 and longest run 5', () => {
    const { j, l, bs, s } = oneGroup([5, 1, 1]);
    lvsWrr([5, 1, 1], 21).forEach((m, t) => {
      j.route(t, { listener: l, scope: s, backend: bs[m] });
    });
    const seq = reportFromBatches(j.finish(21).done()).groups[0].epochs[0].sequence!;
    expect(seq.maxPrefixDiscrepancy).toBe(1.428571);
    expect(seq.longestRun).toBe(5);
    expect(seq.cyclesExact).toBe(true);
  });

  it('Given {4,3,2}, Then SWRR gives 5/9 / 2 and LVS wrr 11/9 / 2', () => {
    for (const [gen, disc] of [
      [swrr, 0.555556],
      [lvsWrr, 1.222222],
    ] as const) {
      const { j, l, bs, s } = oneGroup([4, 3, 2]);
      gen([4, 3, 2], 27).forEach((m, t) => {
        j.route(t, { listener: l, scope: s, backend: bs[m] });
      });
      const seq = reportFromBatches(j.finish(27).done()).groups[0].epochs[0].sequence!;
      expect(seq.maxPrefixDiscrepancy).toBe(disc);
      expect(seq.longestRun).toBe(2);
      expect(seq.completeCycles).toBe(3);
    }
  });

  it('Given counts that are wrong at a cycle boundary, Then cycles are reported not exact', () => {
    const { j, l, bs, s } = oneGroup([5, 1, 1]);
    [0, 0, 0, 0, 0, 0, 1].forEach((m, t) => {
      j.route(t, { listener: l, scope: s, backend: bs[m] });
    });
    const seq = reportFromBatches(j.finish(7).done()).groups[0].epochs[0].sequence!;
    expect(seq.completeCycles).toBe(1);
    expect(seq.cyclesExact).toBe(false);
  });

  it('Given fewer picks than one cycle, Then exactness is unknown (null), not claimed', () => {
    const { j, l, bs, s } = oneGroup([5, 1, 1]);
    swrr([5, 1, 1], 5).forEach((m, t) => {
      j.route(t, { listener: l, scope: s, backend: bs[m] });
    });
    const seq = reportFromBatches(j.finish(5).done()).groups[0].epochs[0].sequence!;
    expect(seq.completeCycles).toBe(0);
    expect(seq.cyclesExact).toBeNull();
  });

  it('Given a weight change, Then EpochStarted splits the counts into two epochs with their own expectations', () => {
    const { j, l, bs, s } = oneGroup([1, 1, 1]);
    swrr([1, 1, 1], 6).forEach((m, t) => {
      j.route(t, { listener: l, scope: s, backend: bs[m] });
    });
    j.epoch(
      s,
      6,
      [
        [bs[0], 2],
        [bs[1], 1],
        [bs[2], 0],
      ],
      3,
      'SetVServerGroupAttribute',
    );
    swrr([2, 1], 9).forEach((m, t) => {
      j.route(6 + t, { listener: l, scope: s, backend: bs[m] });
    });
    const g = reportFromBatches(j.finish(20).done()).groups[0];
    expect(g.epochs.map((e) => [e.epoch, e.cause, e.fromUs, e.toUs, e.requests])).toEqual([
      [0, 'start', 0, 6, 6],
      [1, 'SetVServerGroupAttribute', 6, 20, 9],
    ]);
    expect(g.epochs[0].backends.map((b) => b.count)).toEqual([2, 2, 2]);
    expect(g.epochs[1].backends.map((b) => [b.count, b.expectedShare])).toEqual([
      [6, 0.666667],
      [3, 0.333333],
      [0, 0],
    ]);
    expect(g.epochs[1].fidelity.df).toBe(1);
    expect(g.epochs[1].sequence?.cyclesExact).toBe(true);
    expect(g.backends.map((b) => [b.ServerId, b.count, b.share])).toEqual([
      ['i-a', 8, 0.533333],
      ['i-b', 5, 0.333333],
      ['i-c', 2, 0.133333],
    ]);
  });

  it('Given sticky rows, Then they count as served by their backend, separately as sticky, and not as picks', () => {
    const { j, l, bs, s } = oneGroup([1, 1]);
    j.route(0, { listener: l, scope: s, backend: bs[0] });
    j.route(1, { listener: l, scope: s, backend: bs[0], flags: FLAG_STICKY });
    j.route(2, { listener: l, scope: s, backend: bs[0], flags: FLAG_STICKY });
    j.route(3, { listener: l, scope: s, backend: bs[1] });
    const r = reportFromBatches(j.finish(4).done());
    const ep = r.groups[0].epochs[0];
    expect(ep.backends.map((b) => [b.count, b.sticky, b.picks])).toEqual([
      [3, 2, 1],
      [1, 0, 1],
    ]);
    expect(ep.backends[0].observedShare).toBe(0.75);
    expect(ep.sequence?.cyclesExact).toBe(true);
    expect(r.sticky).toBe(2);
    expect(r.groups[0].stickyServed).toBe(2);
  });

  it('Given a backend that serves without being a member, Then it is listed as a non-member with expected share 0', () => {
    const { j, l, bs, s } = oneGroup([1, 1]);
    const gone = j.backend('i-z', 8080);
    j.route(0, { listener: l, scope: s, backend: bs[0] });
    j.route(1, { listener: l, scope: s, backend: bs[1] });
    j.route(2, { listener: l, scope: s, backend: gone, flags: FLAG_STICKY });
    j.route(3, { listener: l, scope: s, backend: bs[0] });
    const ep = reportFromBatches(j.finish(4).done()).groups[0].epochs[0];
    expect(ep.backends.map((b) => [b.ServerId, b.Port, b.member, b.expectedShare, b.count])).toEqual([
      ['i-a', 80, true, 0.5, 2],
      ['i-b', 80, true, 0.5, 1],
      ['i-z', 8080, false, 0, 1],
    ]);
    // χ² over the members only (3 requests), TVD over everything.
    expect(ep.fidelity.df).toBe(1);
    expect(ep.fidelity.chiSquare).toBe(0.333333);
    expect(ep.fidelity.tvd).toBe(0.25);
    expect(ep.fidelity.maxAbsDeviation).toBe(0.25);
  });

  it('Given failures, Then no-backend rows and backend errors are counted apart from served requests', () => {
    const { j, l, bs, s } = oneGroup([1, 1]);
    j.route(0, { listener: l, scope: s, backend: bs[0] });
    j.route(1, { listener: l, scope: s, backend: bs[1], outcome: OUTCOME_BACKEND_ERROR });
    j.route(2, { listener: l, scope: s, outcome: OUTCOME_NO_BACKEND });
    const r = reportFromBatches(j.finish(3).done());
    const g = r.groups[0];
    expect([g.requests, g.served, g.failed, g.noEligibleBackend]).toEqual([3, 1, 1, 1]);
    expect(g.epochs[0].backends.map((b) => [b.count, b.failed, b.picks])).toEqual([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    expect(r.outcomes).toEqual({
      ok: 1,
      'no-eligible-backend': 1,
      'listener-stopped': 0,
      'no-such-listener': 0,
      'backend-error': 1,
    });
  });

  it('Given an ineligible member, Then its expected share is 0 and χ² uses the others', () => {
    const j = new JournalBuilder().start();
    const l = j.listener('lb-1:http:80');
    const a = j.backend('i-a', 80);
    const b = j.backend('i-b', 80);
    const s = j.scope({ listener: l });
    j.epoch(s, 0, [
      [a, 3],
      [b, 3, false],
    ]);
    for (let t = 0; t < 4; t++) j.route(t, { listener: l, scope: s, backend: a });
    const ep = reportFromBatches(j.finish(4).done()).groups[0].epochs[0];
    expect(ep.backends.map((x) => [x.eligible, x.expectedShare])).toEqual([
      [true, 1],
      [false, 0],
    ]);
    expect(ep.fidelity.chiSquare).toBeNull();
    expect(ep.fidelity.df).toBe(0);
    expect(ep.sequence).toMatchObject({
      cycleLength: 1,
      completeCycles: 4,
      cyclesExact: true,
      longestRun: 4,
    });
  });

  it('Given a random scheduler, Then there are no sequence statistics but χ² applies', () => {
    const { j, l, bs, s } = oneGroup([1, 1], { deterministic: false, scheduler: 'sch' });
    for (let t = 0; t < 30; t++) j.route(t, { listener: l, scope: s, backend: bs[t < 20 ? 0 : 1] });
    const ep = reportFromBatches(j.finish(30).done()).groups[0].epochs[0];
    expect(ep.sequence).toBeNull();
    expect(ep.fidelity.chiSquare).toBeCloseTo(10 / 3, 5);
    // df 1: p = erfc(sqrt(χ²/2)) = 0.0678892 (Python math.erfc).
    expect(ep.fidelity.pValue).toBe(0.0678892);
    expect(ep.instances[0]).toMatchObject({ picks: 30, counts: [20, 10], maxPrefixDiscrepancy: null });
  });
});

describe('per node × worker breakdown', () => {
  it('Given two workers each running SWRR {2,1}, Then each instance is exact though the merged stream is not smooth', () => {
    const { j, l, bs, s } = oneGroup([2, 1]);
    const w0 = swrr([2, 1], 6);
    // Worker 1 starts one pick later in its cycle (a cluster-model offset).
    const w1 = swrr([2, 1], 7).slice(1);
    for (let i = 0; i < 6; i++) {
      j.route(2 * i, { listener: l, scope: s, backend: bs[w0[i]], worker: 0 });
      j.route(2 * i + 1, { listener: l, scope: s, backend: bs[w1[i]], node: 1, worker: 3 });
    }
    const ep = reportFromBatches(j.finish(12).done()).groups[0].epochs[0];
    expect(
      ep.instances.map((x) => [x.node, x.worker, x.picks, x.counts, x.completeCycles, x.cyclesExact]),
    ).toEqual([
      [0, 0, 6, [4, 2], 2, true],
      [1, 3, 6, [4, 2], 2, true],
    ]);
    expect(ep.sequence?.completeCycles).toBe(4);
    expect(ep.sequence?.cyclesExact).toBe(true);
    expect(ep.backends.map((b) => b.count)).toEqual([8, 4]);
  });
});
