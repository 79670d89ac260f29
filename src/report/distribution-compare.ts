/**
 * Comparing two per-backend distributions — two runs, a run and a record file, the live harness
 * against the model: per server group, each backend's share on both sides and their difference,
 * Pearson's χ² test of homogeneity (2 × k table) with its p-value, and total variation distance.
 * A group passes when no backend's share differs by more than `maxDiff` (absolute).
 *
 * A distribution is served-request counts by group and backend (`ServerId:Port`); groups are
 * keyed by VServerGroupId, MasterSlaveServerGroupId, or `default@<LoadBalancerId>` for a load
 * balancer's default pool, so a group shared by two listeners is counted as one.
 */
import { round6, sig6 } from './round.js';
import { chiSquareHomogeneity } from './stats.js';

/** group → backend (`ServerId:Port`) → served count. */
export type Distribution = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** The parts of a report's `groups[]` entry a distribution needs (a parsed JSON report qualifies). */
export interface ReportGroupLike {
  readonly VServerGroupId: string | null;
  readonly MasterSlaveServerGroupId?: string | null;
  readonly defaultPool?: boolean;
  readonly listener: string;
  readonly backends: readonly { readonly ServerId: string; readonly Port: number; readonly count: number }[];
}

/** The record columns a distribution needs (a `RecordRow` of src/record/columns.ts qualifies). */
export interface RecordLike {
  readonly listener: string | null;
  readonly source: string | null;
  readonly VServerGroupId: string | null;
  readonly ServerId: string | null;
  readonly Port: number | null;
  readonly outcome: string;
}

export interface CompareOptions {
  /** Largest allowed absolute share difference, e.g. 0.01. */
  readonly maxDiff: number;
}

export interface BackendDiff {
  readonly backend: string;
  readonly countA: number;
  readonly countB: number;
  readonly shareA: number;
  readonly shareB: number;
  /** shareB − shareA. */
  readonly diff: number;
  readonly exceeded: boolean;
}

export interface GroupDiff {
  readonly group: string;
  /** Which side lacks the group, if one does. */
  readonly missingIn: 'a' | 'b' | null;
  readonly countA: number;
  readonly countB: number;
  readonly backends: readonly BackendDiff[];
  readonly chiSquare: number | null;
  readonly df: number;
  readonly pValue: number | null;
  readonly tvd: number;
  readonly maxAbsDiff: number;
  readonly exceeded: boolean;
}

export interface CompareResult {
  readonly a: string;
  readonly b: string;
  readonly maxDiff: number;
  readonly passed: boolean;
  readonly groups: readonly GroupDiff[];
}

const EPS = 1e-12;

function lbOf(listener: string): string {
  const i = listener.indexOf(':');
  return i < 0 ? listener : listener.slice(0, i);
}

function add(d: Map<string, Map<string, number>>, group: string, backend: string, n: number): void {
  let g = d.get(group);
  if (!g) {
    g = new Map();
    d.set(group, g);
  }
  g.set(backend, (g.get(backend) ?? 0) + n);
}

/** The group key of a report group. */
export function reportGroupKey(g: ReportGroupLike): string {
  return g.VServerGroupId ?? g.MasterSlaveServerGroupId ?? `default@${lbOf(g.listener)}`;
}

/** Served counts of a report (its `groups[].backends` totals over the run). */
export function distributionFromReport(report: {
  readonly groups: readonly ReportGroupLike[];
}): Distribution {
  const d = new Map<string, Map<string, number>>();
  for (const g of report.groups) {
    const key = reportGroupKey(g);
    for (const b of g.backends) add(d, key, `${b.ServerId}:${b.Port}`, b.count);
  }
  return d;
}

/** Served counts of record rows (outcome `ok`; failed and refused requests are not counted). */
export function distributionFromRecords(rows: Iterable<RecordLike>): Distribution {
  const d = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.outcome !== 'ok' || r.ServerId === null || r.source === null) continue;
    const group = r.VServerGroupId ?? `default@${lbOf(r.listener ?? '')}`;
    add(d, group, `${r.ServerId}:${r.Port ?? ''}`, 1);
  }
  return d;
}

const byKey = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function compareDistributions(
  a: Distribution,
  b: Distribution,
  opts: CompareOptions,
  labels: { readonly a: string; readonly b: string } = { a: 'a', b: 'b' },
): CompareResult {
  const groups: GroupDiff[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort(byKey);
  for (const key of keys) {
    const ga = a.get(key);
    const gb = b.get(key);
    const backends = [...new Set([...(ga?.keys() ?? []), ...(gb?.keys() ?? [])])].sort(byKey);
    const ca = backends.map((k) => ga?.get(k) ?? 0);
    const cb = backends.map((k) => gb?.get(k) ?? 0);
    const na = ca.reduce((s, x) => s + x, 0);
    const nb = cb.reduce((s, x) => s + x, 0);
    let tvd = 0;
    let maxAbs = 0;
    let exceeded = false;
    const diffs: BackendDiff[] = backends.map((backend, j) => {
      const sa = na > 0 ? ca[j] / na : 0;
      const sb = nb > 0 ? cb[j] / nb : 0;
      const diff = sb - sa;
      const abs = Math.abs(diff);
      tvd += abs / 2;
      if (abs > maxAbs) maxAbs = abs;
      const over = abs > opts.maxDiff + EPS;
      if (over) exceeded = true;
      return {
        backend,
        countA: ca[j],
        countB: cb[j],
        shareA: round6(sa),
        shareB: round6(sb),
        diff: round6(diff),
        exceeded: over,
      };
    });
    const chi = chiSquareHomogeneity(ca, cb);
    groups.push({
      group: key,
      missingIn: ga === undefined ? 'a' : gb === undefined ? 'b' : null,
      countA: na,
      countB: nb,
      backends: diffs,
      chiSquare: chi.chiSquare === null ? null : round6(chi.chiSquare),
      df: chi.df,
      pValue: chi.pValue === null ? null : sig6(chi.pValue),
      tvd: round6(tvd),
      maxAbsDiff: round6(maxAbs),
      exceeded,
    });
  }
  return {
    a: labels.a,
    b: labels.b,
    maxDiff: opts.maxDiff,
    passed: groups.every((g) => !g.exceeded),
    groups,
  };
}
