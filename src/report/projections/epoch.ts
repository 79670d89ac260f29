/**
 * One epoch of one scope: a span in which the scope's members, weights and eligibility stay
 * constant (from one `EpochStarted` to the next). Counts served requests, sticky ones, failed
 * attempts and scheduler picks per member, feeds each scheduler instance's `PickStream`, and
 * turns all that into the epoch's report (`snapshot`, pure: it may be called while the epoch is
 * still open). Backends that serve without being members (persistence to a removed server) are
 * appended as extra, non-member slots on first sight.
 */
import type { JournalDictionary } from '../../journal/dictionary.js';
import type { EpochStarted } from '../../journal/journal-rows.js';
import type { EpochBackend, EpochReport, InstanceReport, SequenceStats } from '../report-model.js';
import { round6, round6OrNull, sig6 } from '../round.js';
import { chiSquareGoodnessOfFit } from '../stats.js';
import { PickStream, type PickStreamState } from './pick-stream.js';

/** An epoch as a shard's report state holds it (JSON; see report/report-state.ts). */
export interface EpochStateData {
  readonly entry: EpochStarted;
  readonly backends: readonly number[];
  readonly count: readonly number[];
  readonly sticky: readonly number[];
  readonly failed: readonly number[];
  readonly picks: readonly number[];
  readonly requests: number;
  readonly noBackend: number;
  readonly toUs: number;
  readonly streams: readonly PickStreamState[];
}

export class EpochState {
  /** Backend index per slot: members first (scheduling order), then extras. */
  readonly backends: number[] = [];
  /** Members in the epoch (slots ≥ k are extras). */
  readonly k: number;
  /** Effective weight per member: Weight when eligible, else 0. */
  readonly w: Float64Array;
  readonly sumW: number;
  count: Float64Array;
  sticky: Float64Array;
  failed: Float64Array;
  requests = 0;
  noBackend = 0;
  toUs: number;
  private readonly streams = new Map<number, PickStream>();
  private lastKey = -1;
  private lastStream: PickStream | undefined;

  constructor(
    readonly entry: EpochStarted,
    readonly deterministic: boolean,
  ) {
    this.k = entry.members.length;
    this.w = new Float64Array(Math.max(1, this.k));
    let sum = 0;
    for (let i = 0; i < this.k; i++) {
      const m = entry.members[i];
      this.backends.push(m.backend);
      const wi = m.eligible && m.Weight > 0 ? m.Weight : 0;
      this.w[i] = wi;
      sum += wi;
    }
    this.sumW = sum;
    const cap = Math.max(1, this.k);
    this.count = new Float64Array(cap);
    this.sticky = new Float64Array(cap);
    this.failed = new Float64Array(cap);
    this.toUs = entry.t;
  }

  /** Append a non-member backend; returns its slot. */
  addExtra(backend: number): number {
    const slot = this.backends.length;
    this.backends.push(backend);
    if (slot >= this.count.length) {
      const size = this.count.length * 2;
      this.count = grown(this.count, size);
      this.sticky = grown(this.sticky, size);
      this.failed = grown(this.failed, size);
    }
    return slot;
  }

  /** A scheduler pick of `slot` by instance (node, worker). */
  pick(slot: number, node: number, worker: number): void {
    const key = node * 65536 + worker;
    let s = this.lastStream;
    if (key !== this.lastKey || s === undefined) {
      s = this.streams.get(key);
      if (s === undefined) {
        s = new PickStream(node, worker, this.backends.length);
        this.streams.set(key, s);
      }
      this.lastKey = key;
      this.lastStream = s;
    }
    if (this.deterministic) s.pick(slot, this.w, this.sumW, this.entry.cycleLength, this.k);
    else s.count(slot);
  }

  toState(): EpochStateData {
    const n = this.backends.length;
    return {
      entry: this.entry,
      backends: [...this.backends],
      count: Array.from(this.count.subarray(0, n)),
      sticky: Array.from(this.sticky.subarray(0, n)),
      failed: Array.from(this.failed.subarray(0, n)),
      picks: Array.from(this.pickCounts(n)),
      requests: this.requests,
      noBackend: this.noBackend,
      toUs: this.toUs,
      streams: this.sortedStreams().map((s) => s.toState()),
    };
  }

  static fromState(d: EpochStateData, deterministic: boolean): EpochState {
    const e = new EpochState(d.entry, deterministic);
    for (let i = e.k; i < d.backends.length; i++) e.addExtra(d.backends[i]);
    e.count.set(d.count);
    e.sticky.set(d.sticky);
    e.failed.set(d.failed);
    e.requests = d.requests;
    e.noBackend = d.noBackend;
    e.toUs = d.toUs;
    for (const st of d.streams) e.streams.set(st.node * 65536 + st.worker, PickStream.fromState(st));
    return e;
  }

  /**
   * Add another shard's part of the same epoch: counts add, and every scheduler instance's pick
   * stream must come from one shard only (a stream split over shards cannot be recombined
   * exactly: its order of picks is lost). Returns a reason when it cannot be merged exactly.
   */
  mergeFrom(o: EpochStateData): string | null {
    if (o.entry.epoch !== this.entry.epoch || o.entry.t !== this.entry.t)
      return `epoch ${o.entry.epoch} at ${o.entry.t} µs does not line up with epoch ${this.entry.epoch} at ${this.entry.t} µs`;
    for (let i = 0; i < o.backends.length; i++) {
      let slot = this.backends.indexOf(o.backends[i]);
      if (slot < 0) slot = this.addExtra(o.backends[i]);
      this.count[slot] += o.count[i];
      this.sticky[slot] += o.sticky[i];
      this.failed[slot] += o.failed[i];
    }
    this.requests += o.requests;
    this.noBackend += o.noBackend;
    if (o.toUs > this.toUs) this.toUs = o.toUs;
    for (const st of o.streams) {
      const key = st.node * 65536 + st.worker;
      const mine = this.streams.get(key);
      if (mine !== undefined && mine.picks > 0 && st.picks > 0)
        return `scheduler instance node ${st.node} worker ${st.worker} picked in two shards`;
      if (mine === undefined || mine.picks === 0) {
        // Slots are positions in this epoch's backend list: remap the other shard's extras.
        const remapped = PickStream.fromState({ ...st, counts: [] });
        for (let i = 0; i < st.counts.length; i++) {
          const slot = i < o.backends.length ? this.backends.indexOf(o.backends[i]) : i;
          if (st.counts[i] > 0) remapped.setCount(slot, st.counts[i]);
        }
        if (st.last >= 0 && st.last < o.backends.length)
          remapped.last = this.backends.indexOf(o.backends[st.last]);
        this.streams.set(key, remapped);
      }
    }
    this.lastKey = -1;
    this.lastStream = undefined;
    return null;
  }

  snapshot(dict: JournalDictionary): EpochReport {
    const n = this.backends.length;
    let served = 0;
    for (let i = 0; i < n; i++) served += this.count[i];
    const expected = new Float64Array(n);
    if (this.sumW > 0) for (let i = 0; i < this.k; i++) expected[i] = this.w[i] / this.sumW;
    const picks = this.pickCounts(n);
    const backends: EpochBackend[] = [];
    let tvdSum = 0;
    let maxDev = 0;
    for (let i = 0; i < n; i++) {
      const b = dict.backends[this.backends[i]];
      const member = i < this.k ? this.entry.members[i] : undefined;
      const observed = served > 0 ? this.count[i] / served : 0;
      const dev = Math.abs(observed - expected[i]);
      tvdSum += dev;
      if (dev > maxDev) maxDev = dev;
      backends.push({
        ServerId: b?.ServerId ?? `#${this.backends[i]}`,
        Port: b?.Port ?? 0,
        Weight: member?.Weight ?? 0,
        eligible: member?.eligible ?? false,
        member: member !== undefined,
        expectedShare: round6(expected[i]),
        observedShare: round6(observed),
        absDeviation: round6(served > 0 ? dev : 0),
        count: this.count[i],
        sticky: this.sticky[i],
        failed: this.failed[i],
        picks: picks[i],
      });
    }
    const chi = chiSquareGoodnessOfFit(this.count.subarray(0, n), expected);
    return {
      epoch: this.entry.epoch,
      cause: this.entry.cause,
      fromUs: this.entry.t,
      toUs: this.toUs,
      requests: this.requests,
      served,
      noEligibleBackend: this.noBackend,
      backends,
      fidelity: {
        chiSquare: round6OrNull(chi.chiSquare),
        df: chi.df,
        pValue: chi.pValue === null ? null : sig6(chi.pValue),
        minExpected: round6OrNull(chi.minExpected),
        tvd: served > 0 ? round6(tvdSum / 2) : null,
        maxAbsDeviation: served > 0 ? round6(maxDev) : null,
      },
      sequence: this.sequenceStats(),
      instances: this.instanceReports(n),
    };
  }

  /**
   * Scheduler picks per slot: the sum of the instances' counts (every pick is counted by the
   * instance that made it, and only there: a per-epoch counter beside them would double the work
   * of each pick).
   */
  private pickCounts(n: number): Float64Array {
    const picks = new Float64Array(n);
    for (const s of this.streams.values()) {
      const counts = s.counts;
      for (let i = 0; i < n && i < counts.length; i++) picks[i] += counts[i];
    }
    return picks;
  }

  private sortedStreams(): PickStream[] {
    return [...this.streams.values()].sort((a, b) => a.node - b.node || a.worker - b.worker);
  }

  private sequenceStats(): SequenceStats | null {
    if (!this.deterministic || this.sumW === 0) return null;
    let num = 0;
    let longest = 0;
    let cycles = 0;
    let boundaries = 0;
    let exact = true;
    const L = this.entry.cycleLength;
    for (const s of this.streams.values()) {
      num = Math.max(num, s.discrepancyNumerator(this.w, this.sumW, this.k));
      longest = Math.max(longest, s.longest);
      if (L > 0) cycles += Math.floor(s.picks / L);
      boundaries += s.boundaries;
      if (!s.exact) exact = false;
    }
    return {
      maxPrefixDiscrepancy: round6(num / this.sumW),
      longestRun: longest,
      cycleLength: L,
      completeCycles: cycles,
      cyclesExact: L > 0 && boundaries > 0 ? exact : null,
    };
  }

  private instanceReports(n: number): InstanceReport[] {
    const L = this.entry.cycleLength;
    const seq = this.deterministic && this.sumW > 0;
    return this.sortedStreams().map((s) => {
      const counts: number[] = [];
      for (let i = 0; i < n; i++) counts.push(i < s.counts.length ? s.counts[i] : 0);
      return {
        node: s.node,
        worker: s.worker,
        picks: s.picks,
        counts,
        maxPrefixDiscrepancy: seq
          ? round6(s.discrepancyNumerator(this.w, this.sumW, this.k) / this.sumW)
          : null,
        longestRun: seq ? s.longest : null,
        completeCycles: seq && L > 0 ? Math.floor(s.picks / L) : null,
        cyclesExact: seq && L > 0 && s.boundaries > 0 ? s.exact : null,
      };
    });
  }
}

function grown(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size);
  next.set(a);
  return next;
}
