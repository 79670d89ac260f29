/**
 * Observed vs expected shares of one group in one window, and the tests of CLB's own causes of an
 * uneven distribution (the "Why are requests unbalanced" FAQ, clb-semantics.md §10) where the log
 * and the scenario can test them:
 *
 * - **few requests**: Pearson's χ² goodness of fit to the expected shares; p ≥ α means the
 *   multinomial spread at this many requests explains the deviation.
 * - **stickiness with few clients**: on a sticky group each client's requests go to one backend,
 *   so the sample is the clients, not the requests. χ² scaled to Kish's effective sample size
 *   n_eff = (Σ r_c)² / Σ r_c² (r_c = rows of client c); p ≥ α explains.
 * - **health flapping**: backends that failed attempts (retried elsewhere), answered 5xx, or got
 *   nothing while the model expected ≥ 5 requests; the fit is tested again without them.
 * - **wlc + stickiness**: wlc follows open connections, which an access log does not show: named
 *   when the group schedules with wlc, not testable.
 * - **a cluster of many nodes**: the model re-run in cluster mode on the log's own requests; the
 *   observed counts are tested for homogeneity with the re-run's (χ² 2 × k, p ≥ α explains).
 */
import { round6, sig6 } from '../report/round.js';
import { chiSquareGoodnessOfFit, chiSquareHomogeneity, chiSquarePValue } from '../report/stats.js';
import type { EpochTable } from './epoch-table.js';
import type { ShareCell } from './log-compare.js';
import type { BackendShare, CauseName, CauseReport, ShareReport } from './logs-report-model.js';
import type { GroupSlot } from './topology-versions.js';

export interface ShareContext {
  readonly slot: GroupSlot;
  readonly epochs: EpochTable;
  readonly maxDiff: number;
  readonly alpha: number;
  /** The cluster re-run's counts for this cell, or why there are none. */
  readonly cluster: { readonly shape: string; readonly counts: Float64Array | null; readonly why: string };
  readonly from: string | null;
  readonly to: string | null;
}

/** The expected shares of a cell: the mix of its rows' epochs. */
export function expectedShares(cell: ShareCell, epochs: EpochTable, k: number): Float64Array {
  const e = new Float64Array(k);
  let n = 0;
  cell.epochIds.forEach((id, i) => {
    const rows = cell.epochRows[i];
    const x = epochs.epochs[id].expected;
    for (let b = 0; b < k; b++) e[b] += rows * x[b];
    n += rows;
  });
  if (n > 0) for (let b = 0; b < k; b++) e[b] /= n;
  return e;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const fmtP = (p: number | null) => (p === null ? 'n/a' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

export function shareReport(cell: ShareCell, ctx: ShareContext): ShareReport {
  const slot = ctx.slot;
  const k = slot.backends.length;
  const expected = expectedShares(cell, ctx.epochs, k);
  const n = cell.n;
  let tvd = 0;
  let maxDev = 0;
  let worst = -1;
  const backends: BackendShare[] = [];
  for (let b = 0; b < k; b++) {
    const observed = n > 0 ? cell.counts[b] / n : 0;
    const d = observed - expected[b];
    tvd += Math.abs(d) / 2;
    if (Math.abs(d) > maxDev) {
      maxDev = Math.abs(d);
      worst = b;
    }
    if (cell.counts[b] === 0 && expected[b] === 0 && cell.failed[b] === 0) continue;
    backends.push({
      backend: slot.backends[b],
      address: slot.addresses[b],
      count: cell.counts[b],
      expected: round6(expected[b]),
      observed: round6(observed),
      diff: round6(d),
      failedAttempts: cell.failed[b],
      upstream5xx: cell.upstream5xx[b],
    });
  }
  const chi = chiSquareGoodnessOfFit(cell.counts, expected);
  const exceeded = n > 0 && maxDev > ctx.maxDiff + 1e-12;
  const causes: CauseReport[] = [];
  let fewExplains = false;
  if (exceeded) {
    const few = fewRequests(
      n,
      chi.chiSquare,
      chi.df,
      chi.pValue,
      chi.minExpected,
      expected,
      worst,
      ctx.alpha,
    );
    fewExplains = few.explains === true;
    causes.push(few);
    causes.push(stickiness(cell, chi.chiSquare, chi.df, ctx));
    causes.push(health(cell, expected, ctx));
    causes.push(wlc(ctx));
    causes.push(clusterCause(cell, ctx));
  }
  const explainedBy: CauseName | null = causes.find((c) => c.explains === true)?.cause ?? null;
  return {
    from: ctx.from,
    to: ctx.to,
    requests: n,
    backends,
    chiSquare: chi.chiSquare === null ? null : round6(chi.chiSquare),
    df: chi.df,
    pValue: chi.pValue === null ? null : sig6(chi.pValue),
    minExpected: chi.minExpected === null ? null : round6(chi.minExpected),
    tvd: n > 0 ? round6(tvd) : null,
    maxAbsDeviation: n > 0 ? round6(maxDev) : null,
    exceeded,
    flagged: exceeded && !fewExplains,
    causes,
    explainedBy,
  };
}

function fewRequests(
  n: number,
  chi: number | null,
  df: number,
  p: number | null,
  minExpected: number | null,
  expected: Float64Array,
  worst: number,
  alpha: number,
): CauseReport {
  const q = worst >= 0 ? expected[worst] : 0;
  const band = 3 * Math.sqrt((q * (1 - q)) / Math.max(1, n));
  if (chi === null || p === null)
    return {
      cause: 'few-requests',
      applies: true,
      explains: null,
      detail: `${n} requests; fewer than two backends could take them, so there is no spread to test`,
    };
  const explains = p >= alpha;
  const small =
    minExpected !== null && minExpected < 5 ? ' (smallest expected count < 5: the test is rough)' : '';
  return {
    cause: 'few-requests',
    applies: true,
    explains,
    detail: `${n} requests: χ² ${chi.toFixed(2)} (df ${df}), p = ${fmtP(p)} ${explains ? '≥' : '<'} α ${alpha}; chance alone moves the busiest share by ±${pct(band)} (3σ)${small}`,
  };
}

function stickiness(cell: ShareCell, chi: number | null, df: number, ctx: ShareContext): CauseReport {
  const sticky = ctx.slot.sticky;
  if (cell.perClient === null)
    return {
      cause: 'stickiness-few-clients',
      applies: false,
      explains: false,
      detail: `session persistence is ${sticky} on this group: every request is scheduled`,
    };
  const clients = cell.perClient.size;
  if (cell.clientsUncounted)
    return {
      cause: 'stickiness-few-clients',
      applies: true,
      explains: null,
      detail: `sticky (${sticky}); not tested: the log has too many clients to count in every window`,
    };
  if (cell.clientsOverflow)
    return {
      cause: 'stickiness-few-clients',
      applies: true,
      explains: false,
      detail: `sticky (${sticky}) but more than ${clients} distinct clients: not few`,
    };
  let s1 = 0;
  let s2 = 0;
  cell.perClient.forEach((_, r) => {
    s1 += r;
    s2 += r * r;
  });
  const nEff = s2 > 0 ? (s1 * s1) / s2 : 0;
  if (chi === null || df < 1 || s1 === 0)
    return {
      cause: 'stickiness-few-clients',
      applies: true,
      explains: null,
      detail: `sticky (${sticky}), ${clients} distinct clients; no spread to test`,
    };
  const scaled = (chi * nEff) / s1;
  const p = chiSquarePValue(scaled, df);
  const explains = p >= ctx.alpha;
  return {
    cause: 'stickiness-few-clients',
    applies: true,
    explains,
    detail: `sticky (${sticky}) with ${clients} distinct clients (effective sample ${nEff.toFixed(1)} of ${s1} requests): χ² scaled to it gives p = ${fmtP(p)} ${explains ? '≥' : '<'} α`,
  };
}

function health(cell: ShareCell, expected: Float64Array, ctx: ShareContext): CauseReport {
  const slot = ctx.slot;
  const k = slot.backends.length;
  const suspects: number[] = [];
  const why: string[] = [];
  for (let b = 0; b < k; b++) {
    const e = expected[b] * cell.n;
    const reasons: string[] = [];
    if (cell.failed[b] > 0) reasons.push(`${cell.failed[b]} failed attempts`);
    if (cell.upstream5xx[b] > 0) reasons.push(`${cell.upstream5xx[b]} upstream 5xx`);
    if (cell.counts[b] === 0 && e >= 5) reasons.push(`no request where ${e.toFixed(0)} were expected`);
    if (reasons.length > 0) {
      suspects.push(b);
      why.push(`${slot.backends[b]}: ${reasons.join(', ')}`);
    }
  }
  if (suspects.length === 0)
    return {
      cause: 'health-flapping',
      applies: false,
      explains: false,
      detail: 'no backend failed an attempt, answered 5xx or went silent in the log',
    };
  // Test the fit again with the suspects taken out (as a health check would take them out).
  const counts = new Float64Array(k);
  const exp = new Float64Array(k);
  for (let b = 0; b < k; b++)
    if (!suspects.includes(b)) {
      counts[b] = cell.counts[b];
      exp[b] = expected[b];
    }
  const chi = chiSquareGoodnessOfFit(counts, exp);
  const explains = chi.pValue === null ? suspects.length > 0 : chi.pValue >= ctx.alpha;
  return {
    cause: 'health-flapping',
    applies: true,
    explains,
    detail: `${why.join('; ')}; without ${suspects.length === 1 ? 'it' : 'them'} the others fit ${chi.pValue === null ? '(one backend left)' : `with p = ${fmtP(chi.pValue)}`}`,
  };
}

function wlc(ctx: ShareContext): CauseReport {
  const s = ctx.slot;
  if (s.scheduler !== 'wlc')
    return {
      cause: 'wlc-stickiness',
      applies: false,
      explains: false,
      detail: `scheduler ${s.scheduler}: not wlc`,
    };
  return {
    cause: 'wlc-stickiness',
    applies: true,
    explains: null,
    detail: `wlc${s.sticky !== 'off' ? ` with ${s.sticky} stickiness` : ''} follows open connections, which an access log does not show: not testable here`,
  };
}

function clusterCause(cell: ShareCell, ctx: ShareContext): CauseReport {
  const c = ctx.cluster;
  if (c.counts === null)
    return { cause: 'cluster', applies: true, explains: null, detail: `not tested: ${c.why}` };
  const chi = chiSquareHomogeneity(cell.counts, c.counts);
  let n = 0;
  for (const x of c.counts) n += x;
  const expected = expectedShares(cell, ctx.epochs, ctx.slot.backends.length);
  let dev = 0;
  for (let b = 0; b < c.counts.length; b++)
    dev = Math.max(dev, Math.abs((n > 0 ? c.counts[b] / n : 0) - expected[b]));
  const explains = chi.pValue === null ? null : chi.pValue >= ctx.alpha;
  return {
    cause: 'cluster',
    applies: true,
    explains,
    detail: `the model in cluster mode ${c.shape}, replaying the same requests (its session persistence included), deviates by at most ${pct(dev)}; the log against it: ${chi.pValue === null ? 'no test' : `p = ${fmtP(chi.pValue)} ${explains ? '≥' : '<'} α`}`,
  };
}
