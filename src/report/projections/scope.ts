/**
 * Everything the report keeps about one scope (one server group as one listener or rule
 * schedules it): its epochs, per-backend totals over the run, share-over-time series, counts in
 * the time windows that expectations ask about, health changes and a latency histogram.
 * `route` is the per-request path: a handful of typed-array increments, no allocation.
 */
import type { JournalDictionary } from '../../journal/dictionary.js';
import type { EpochStarted, ScopeDefined } from '../../journal/journal-rows.js';
import { FLAG_STICKY } from '../../journal/journal-rows.js';
import { OUTCOME_OK } from '../../routing/outcomes.js';
import type { EpochReport, HealthMarker } from '../report-model.js';
import { EpochState, type EpochStateData } from './epoch.js';
import { LatencyRecorder, type LatencyState } from './latency.js';
import type { TimelineClock } from './share-timeline.js';

/** One scope's part of a shard's report state (JSON). */
export interface ScopeStateData {
  readonly def: ScopeDefined;
  readonly columns: readonly number[];
  readonly served: readonly number[];
  readonly sticky: readonly number[];
  readonly failed: readonly number[];
  readonly windowCounts: readonly (readonly number[])[];
  /** Share-over-time per column, `used` buckets of the shard's bucket width. */
  readonly series: readonly (readonly number[])[];
  readonly failedSeries: readonly number[];
  readonly routed: number;
  readonly noBackend: number;
  readonly closed: readonly EpochStateData[];
  readonly open: EpochStateData | null;
  readonly health: readonly HealthMarker[];
  readonly latency: LatencyState | null;
}

/** A time window [from, to) in µs, on arrival time. */
export interface CountWindow {
  readonly from: number;
  readonly to: number;
}

export class ScopeState {
  /** Backend index → epoch slot, -1 when absent (reset at each epoch). */
  private slotOf = new Int32Array(16).fill(-1);
  /** Backend index → column (backends seen in this scope over the run), -1 when absent. */
  private colOf = new Int32Array(16).fill(-1);
  /** Backend index per column, in order of first appearance. */
  readonly columns: number[] = [];
  served = new Float64Array(8);
  sticky = new Float64Array(8);
  failed = new Float64Array(8);
  /** Served per window and column. */
  readonly windowCounts: Float64Array[];
  /** Share-over-time: one series per column, and failures. */
  readonly series: Float64Array[] = [];
  readonly failedSeries: Float64Array;
  noBackend = 0;
  epoch: EpochState | null = null;
  readonly closed: EpochState[] = [];
  readonly health: HealthMarker[] = [];
  latency: LatencyRecorder | null = null;

  constructor(
    readonly def: ScopeDefined,
    private readonly clock: TimelineClock,
    private readonly windows: readonly CountWindow[],
  ) {
    this.failedSeries = clock.newSeries();
    this.windowCounts = windows.map(() => new Float64Array(8));
  }

  /** Routed rows of this scope: each counted in the epoch it fell in (a counter beside them would double the work). */
  get routed(): number {
    let n = this.epoch?.requests ?? 0;
    for (const e of this.closed) n += e.requests;
    return n;
  }

  /** Close the open epoch (at `t`) and open the one `entry` starts. */
  startEpoch(entry: EpochStarted): void {
    this.closeEpoch(entry.t);
    this.epoch = new EpochState(entry, this.def.deterministic);
    const e = this.epoch;
    for (let i = 0; i < e.backends.length; i++) {
      const b = e.backends[i];
      this.ensureBackend(b);
      this.slotOf[b] = i;
      if (this.colOf[b] < 0) this.addColumn(b);
    }
  }

  closeEpoch(t: number): void {
    const e = this.epoch;
    if (e === null) return;
    e.toUs = Math.max(e.toUs, t);
    this.closed.push(e);
    for (const b of e.backends) this.slotOf[b] = -1;
    this.epoch = null;
  }

  /** A routed row for this scope. */
  route(t: number, backend: number, outcome: number, flags: number, node: number, worker: number): void {
    let e = this.epoch;
    if (e === null) e = this.implicitEpoch(t);
    e.requests++;
    if (t > e.toUs) e.toUs = t;
    const bucket = this.clock.bucket(t);
    if (backend < 0) {
      e.noBackend++;
      this.noBackend++;
      this.failedSeries[bucket]++;
      return;
    }
    const slot = this.slotFor(e, backend);
    const col = this.columnFor(backend);
    const sticky = (flags & FLAG_STICKY) !== 0;
    if (outcome === OUTCOME_OK) {
      e.count[slot]++;
      this.served[col]++;
      this.series[col][bucket]++;
      if (sticky) {
        e.sticky[slot]++;
        this.sticky[col]++;
      }
      for (let w = 0; w < this.windows.length; w++) {
        const win = this.windows[w];
        if (t >= win.from && t < win.to) this.windowCounts[w][col]++;
      }
    } else {
      e.failed[slot]++;
      this.failed[col]++;
      this.failedSeries[bucket]++;
    }
    if (!sticky) e.pick(slot, node, worker);
  }

  /**
   * An attempt that failed on a dead backend before the request was retried elsewhere: a failure
   * attributed to that backend, and a scheduler pick (the retry advanced the scheduler).
   */
  attemptFailed(t: number, backend: number, node: number, worker: number): void {
    let e = this.epoch;
    if (e === null) e = this.implicitEpoch(t);
    if (t > e.toUs) e.toUs = t;
    const slot = this.slotFor(e, backend);
    const col = this.columnFor(backend);
    e.failed[slot]++;
    this.failed[col]++;
    this.failedSeries[this.clock.bucket(t)]++;
    e.pick(slot, node, worker);
  }

  /** A completion with its latency in µs. */
  complete(latency: number): void {
    if (this.latency === null) this.latency = new LatencyRecorder();
    this.latency.record(latency);
  }

  /** Epoch reports: the closed ones and a snapshot of the open one. */
  epochReports(dict: JournalDictionary, endUs: number): EpochReport[] {
    const closed = this.closed.map((e) => e.snapshot(dict));
    if (this.epoch === null) return closed;
    const e = this.epoch;
    const saved = e.toUs;
    e.toUs = Math.max(e.toUs, endUs);
    const open = e.snapshot(dict);
    e.toUs = saved;
    return [...closed, open];
  }

  /** Everything this scope holds, as JSON (one shard's part; see report/report-state.ts). */
  toState(used: number): ScopeStateData {
    const n = this.columns.length;
    const cut = (a: Float64Array) => Array.from(a.subarray(0, used));
    return {
      def: this.def,
      columns: [...this.columns],
      served: Array.from(this.served.subarray(0, n)),
      sticky: Array.from(this.sticky.subarray(0, n)),
      failed: Array.from(this.failed.subarray(0, n)),
      windowCounts: this.windowCounts.map((w) => Array.from(w.subarray(0, n))),
      series: this.series.map(cut),
      failedSeries: cut(this.failedSeries),
      routed: this.routed,
      noBackend: this.noBackend,
      closed: this.closed.map((e) => e.toState()),
      open: this.epoch?.toState() ?? null,
      health: [...this.health],
      latency: this.latency?.toState() ?? null,
    };
  }

  /**
   * Add one shard's state of this scope (series already on this clock's bucket width). The first
   * shard's columns and epochs come first; another shard's new columns are appended. Returns a
   * reason when the parts cannot be combined exactly.
   */
  mergeFrom(
    d: ScopeStateData,
    series: readonly (readonly number[])[],
    failedSeries: readonly number[],
  ): string | null {
    const held = (d.open?.requests ?? 0) + d.closed.reduce((n, e) => n + e.requests, 0);
    if (held !== d.routed) return `${d.routed} requests routed but its epochs hold ${held}`;
    for (let c = 0; c < d.columns.length; c++) {
      const col = this.columnFor(d.columns[c]);
      this.served[col] += d.served[c];
      this.sticky[col] += d.sticky[c];
      this.failed[col] += d.failed[c];
      for (let w = 0; w < this.windowCounts.length; w++) this.windowCounts[w][col] += d.windowCounts[w][c];
      const mine = this.series[col];
      series[c].forEach((v, j) => {
        mine[j] += v;
      });
    }
    failedSeries.forEach((v, j) => {
      this.failedSeries[j] += v;
    });
    this.noBackend += d.noBackend;
    if (this.health.length === 0) this.health.push(...d.health);
    if (d.latency !== null) {
      if (this.latency === null) this.latency = new LatencyRecorder();
      this.latency.add(LatencyRecorder.fromState(d.latency));
    }
    const theirs = d.open === null ? d.closed : [...d.closed, d.open];
    const mine = this.epoch === null ? this.closed : [...this.closed, this.epoch];
    if (mine.length === 0 && theirs.length > 0) {
      for (const e of d.closed) this.closed.push(EpochState.fromState(e, this.def.deterministic));
      if (d.open !== null) this.restoreOpen(d.open);
      return null;
    }
    if (theirs.length !== mine.length)
      return `${theirs.length} epochs in one shard, ${mine.length} in another`;
    for (let i = 0; i < mine.length; i++) {
      const why = mine[i].mergeFrom(theirs[i]);
      if (why !== null) return why;
    }
    if (this.epoch !== null)
      for (let i = 0; i < this.epoch.backends.length; i++) this.slotOf[this.epoch.backends[i]] = i;
    return null;
  }

  private restoreOpen(d: EpochStateData): void {
    const e = EpochState.fromState(d, this.def.deterministic);
    this.epoch = e;
    for (let i = 0; i < e.backends.length; i++) {
      this.ensureBackend(e.backends[i]);
      this.slotOf[e.backends[i]] = i;
    }
  }

  /** Rows for a scope with no EpochStarted yet (a journal that skipped it): an epoch of no members. */
  private implicitEpoch(t: number): EpochState {
    const entry: EpochStarted = {
      type: 'EpochStarted',
      t,
      scope: this.def.scope,
      epoch: 0,
      members: [],
      cycleLength: 0,
      cause: 'implicit',
    };
    this.epoch = new EpochState(entry, this.def.deterministic);
    return this.epoch;
  }

  /** The backend's slot in the epoch (an extra slot when it is not a member). */
  private slotFor(e: EpochState, backend: number): number {
    if (backend >= this.slotOf.length) this.ensureBackend(backend);
    let slot = this.slotOf[backend];
    if (slot < 0) {
      slot = e.addExtra(backend);
      this.slotOf[backend] = slot;
    }
    return slot;
  }

  /** The backend's column in the whole-run totals. */
  private columnFor(backend: number): number {
    const col = this.colOf[backend];
    return col < 0 ? this.addColumn(backend) : col;
  }

  private ensureBackend(b: number): void {
    if (b < this.slotOf.length) return;
    let size = this.slotOf.length;
    while (size <= b) size *= 2;
    const slot = new Int32Array(size).fill(-1);
    slot.set(this.slotOf);
    this.slotOf = slot;
    const col = new Int32Array(size).fill(-1);
    col.set(this.colOf);
    this.colOf = col;
  }

  private addColumn(backend: number): number {
    const col = this.columns.length;
    this.columns.push(backend);
    this.colOf[backend] = col;
    if (col >= this.served.length) {
      const size = this.served.length * 2;
      this.served = grown(this.served, size);
      this.sticky = grown(this.sticky, size);
      this.failed = grown(this.failed, size);
      for (let w = 0; w < this.windowCounts.length; w++)
        this.windowCounts[w] = grown(this.windowCounts[w], size);
    }
    this.series.push(this.clock.newSeries());
    return col;
  }
}

function grown(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size);
  next.set(a);
  return next;
}

/** The scope's readable label: `<listener> rule <RuleName>` or `<listener> <source>`. */
export function scopeLabel(def: ScopeDefined, dict: JournalDictionary): string {
  const listener = dict.listeners[def.listener]?.key ?? `#${def.listener}`;
  return def.rule ? `${listener} rule ${def.rule.RuleName}` : `${listener} ${def.source}`;
}

/** `ServerId:Port` of a backend index. */
export function backendLabel(dict: JournalDictionary, backend: number): string {
  const b = dict.backends[backend];
  return b ? `${b.ServerId}:${b.Port}` : `#${backend}`;
}
