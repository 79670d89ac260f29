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
import { EpochState } from './epoch.js';
import { LatencyRecorder } from './latency.js';
import type { TimelineClock } from './share-timeline.js';

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
  routed = 0;
  noBackend = 0;
  epoch: EpochState | null = null;
  readonly closed: EpochReport[] = [];
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

  /** Close the open epoch (at `t`) and open the one `entry` starts. */
  startEpoch(entry: EpochStarted, dict: JournalDictionary): void {
    this.closeEpoch(entry.t, dict);
    this.epoch = new EpochState(entry, this.def.deterministic);
    const e = this.epoch;
    for (let i = 0; i < e.backends.length; i++) {
      const b = e.backends[i];
      this.ensureBackend(b);
      this.slotOf[b] = i;
      if (this.colOf[b] < 0) this.addColumn(b);
    }
  }

  closeEpoch(t: number, dict: JournalDictionary): void {
    const e = this.epoch;
    if (e === null) return;
    e.toUs = Math.max(e.toUs, t);
    this.closed.push(e.snapshot(dict));
    for (const b of e.backends) this.slotOf[b] = -1;
    this.epoch = null;
  }

  /** A routed row for this scope. */
  route(t: number, backend: number, outcome: number, flags: number, node: number, worker: number): void {
    this.routed++;
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
    if (this.epoch === null) return [...this.closed];
    const e = this.epoch;
    const saved = e.toUs;
    e.toUs = Math.max(e.toUs, endUs);
    const open = e.snapshot(dict);
    e.toUs = saved;
    return [...this.closed, open];
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
