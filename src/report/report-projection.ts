/**
 * The report projections: one `JournalSink` fed every journal batch in order, and `build()` that
 * turns what it accumulated into the `Report`. `slbsim run` subscribes it to the engine's
 * journal, `slbsim report` feeds it the batches of a journal file, `slbsim live` feeds it the
 * rows of a live run — one code path for all three.
 *
 * Per routed row the work is O(1) with no allocation: listener counts, the scope's epoch and
 * per-backend counters, the scheduler instance's pick stream, a time bucket, and the (usually
 * zero) time windows expectations ask about. Control rows (a few per epoch) do the rest.
 */
import { JournalDictionary } from '../journal/dictionary.js';
import type { JournalBatch, JournalSink } from '../journal/journal-batch.js';
import {
  type ControlEntry,
  FLAG_RETRIED,
  FLAG_STICKY,
  ROW_ATTEMPT_FAILED,
  ROW_COMPLETED,
  ROW_ROUTED,
  type RunFinished,
  type ShardStarted,
} from '../journal/journal-rows.js';
import { CORE_ROUTED_COLUMNS, type ColumnName } from '../journal/row-columns.js';
import { OUTCOME_NAMES, OUTCOME_OK, type OutcomeName } from '../routing/outcomes.js';
import type { Expectation } from '../scenario/scenario-model.js';
import { type ExpectationContext, evaluateExpectations, groupMatches } from './expectations.js';
import { groupReport } from './projections/group-report.js';
import { mergeLatency, summarize } from './projections/latency.js';
import { ListenerCounts, listenerReports } from './projections/rule-stats.js';
import { backendLabel, type CountWindow, ScopeState } from './projections/scope.js';
import { rebucket, TimelineClock } from './projections/share-timeline.js';
import {
  type FaultMarker,
  OUTCOMES_LISTED_WHEN_SEEN,
  type OutcomeCounts,
  REPORT_SCHEMA,
  type Report,
  type TopologyMarker,
} from './report-model.js';
import { REPORT_STATE_SCHEMA, ReportMergeError, type ReportState } from './report-state.js';

export interface ReportOptions {
  /**
   * Expectations to check. Default: the `expect` list of the journal's RunStarted entry. Their
   * time windows must be known before the first request row, so they are read at creation or
   * at RunStarted.
   */
  readonly expectations?: readonly Expectation[];
}

export interface ReportProjections {
  readonly sink: JournalSink;
  /** The report of everything seen so far (callable mid-run; does not change the state). */
  build(): Report;
  /** What the projections hold, as JSON: a shard's mergeable part (report-state.ts). */
  state(): ReportState;
}

export function createReportProjections(options: ReportOptions = {}): ReportProjections {
  const p = new ReportProjection(options.expectations);
  return { sink: p, build: () => p.build(), state: () => p.toState() };
}

/**
 * One report from the states of a run's shards (or from one state): the counts added, then built
 * exactly as a run builds its own report. Throws `ReportMergeError` when the states are not shards
 * of one run.
 */
export function reportFromStates(states: readonly ReportState[]): Report {
  return ReportProjection.fromStates(states).build();
}

/** Build a report from batches (a journal file, a test) in one call. */
export function reportFromBatches(batches: Iterable<JournalBatch>, options: ReportOptions = {}): Report {
  const p = createReportProjections(options);
  for (const b of batches) p.sink.onBatch(b);
  p.sink.onEnd?.();
  return p.build();
}

/** The journal columns the report projections read (their sink's `reads`). */
export const REPORT_READS: readonly ColumnName[] = [...CORE_ROUTED_COLUMNS, 'latency'];

class ReportProjection implements JournalSink {
  readonly reads = REPORT_READS;
  private readonly dict = new JournalDictionary();
  /** The dictionary's definitions in journal order (a shard's state carries them). */
  private readonly definitions: ControlEntry[] = [];
  private readonly clock = new TimelineClock();
  private readonly listeners = new ListenerCounts();
  private readonly scopes: ScopeState[] = [];
  private readonly outcomes = new Float64Array(OUTCOME_NAMES.length);
  private sticky = 0;
  private retried = 0;
  private lastT = 0;
  private finished: RunFinished | undefined;
  private shard: ShardStarted | null = null;
  private readonly faults: FaultMarker[] = [];
  private readonly topology: TopologyMarker[] = [];
  private expectations: readonly Expectation[];
  private windows: CountWindow[] = [];
  private windowIndex = new Map<string, number>();
  /** True when the caller gave the expectations (RunStarted's are then ignored). */
  private readonly explicit: boolean;

  constructor(expectations: readonly Expectation[] | undefined) {
    this.expectations = expectations ?? [];
    this.explicit = expectations !== undefined;
    this.registerWindows();
  }

  onBatch(batch: JournalBatch): void {
    const n = batch.n;
    const kind = batch.kind;
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      if (k === ROW_ROUTED) this.routed(batch, i);
      else if (k === ROW_ATTEMPT_FAILED) {
        const s = batch.scope[i];
        if (s >= 0)
          (this.scopes[s] ?? this.undefinedScope(s)).attemptFailed(
            batch.t[i],
            batch.backend[i],
            batch.node[i],
            batch.worker[i],
          );
      } else if (k === ROW_COMPLETED) {
        const s = batch.scope[i];
        if (s >= 0 && s < this.scopes.length) this.scopes[s]?.complete(batch.latency[i]);
        if (batch.t[i] > this.lastT) {
          this.lastT = batch.t[i];
          this.clock.bucket(this.lastT);
        }
      } else {
        const entry = batch.control[i];
        if (entry !== undefined) this.control(entry);
      }
    }
  }

  onEnd(): void {}

  private routed(b: JournalBatch, i: number): void {
    const t = b.t[i];
    if (t > this.lastT) this.lastT = t;
    const outcome = b.outcome[i];
    const flags = b.flags[i];
    this.outcomes[outcome]++;
    if (outcome === OUTCOME_OK && (flags & FLAG_STICKY) !== 0) this.sticky++;
    if ((flags & FLAG_RETRIED) !== 0) this.retried++;
    const l = b.listener[i];
    if (l >= 0) this.listeners.route(l, outcome);
    const s = b.scope[i];
    if (s < 0) return;
    let scope = this.scopes[s];
    if (scope === undefined) scope = this.undefinedScope(s);
    scope.route(t, b.backend[i], outcome, flags, b.node[i], b.worker[i]);
  }

  /** Routed rows so far: one outcome each (a counter beside the outcomes would double the work). */
  private get requests(): number {
    let n = 0;
    for (let o = 0; o < this.outcomes.length; o++) n += this.outcomes[o];
    return n;
  }

  private control(entry: ControlEntry): void {
    if (entry.t > this.lastT) {
      this.lastT = entry.t;
      // The share-over-time axis covers every row of the journal, up to RunFinished.
      this.clock.bucket(entry.t);
    }
    if (this.dict.observe(entry)) this.definitions.push(entry);
    switch (entry.type) {
      case 'RunStarted':
        if (!this.explicit && entry.expect) {
          this.expectations = entry.expect;
          this.registerWindows();
        }
        break;
      case 'ScopeDefined':
        this.scopes[entry.scope] = new ScopeState(entry, this.clock, this.windows);
        break;
      case 'EpochStarted': {
        const s = this.scopes[entry.scope] ?? this.undefinedScope(entry.scope);
        s.startEpoch(entry);
        break;
      }
      case 'HealthChanged': {
        const s = this.scopes[entry.scope];
        const b = this.dict.backends[entry.backend];
        if (s && b) s.health.push({ t: entry.t, ServerId: b.ServerId, Port: b.Port, healthy: entry.healthy });
        break;
      }
      case 'FaultInjected':
        this.faults.push({ t: entry.t, fault: entry.fault, ServerId: entry.ServerId, Port: entry.Port });
        break;
      case 'TopologyApplied':
        this.topology.push({ t: entry.t, action: entry.action, error: null });
        break;
      case 'TopologyRejected':
        this.topology.push({ t: entry.t, action: entry.action, error: entry.code });
        break;
      case 'ShardStarted':
        this.shard = entry;
        break;
      case 'RunFinished':
        this.finished = entry;
        break;
      default:
        break;
    }
  }

  /** A row named a scope no ScopeDefined introduced: keep counting under a placeholder. */
  private undefinedScope(s: number): ScopeState {
    const scope = new ScopeState(
      {
        type: 'ScopeDefined',
        t: this.lastT,
        scope: s,
        listener: -1,
        source: 'listener-vserver-group',
        rule: null,
        groupId: `#${s}`,
        groupName: `scope ${s} (undefined in the journal)`,
        scheduler: 'unknown',
        layer: 7,
        deterministic: false,
        sticky: 'off',
      },
      this.clock,
      this.windows,
    );
    this.scopes[s] = scope;
    return scope;
  }

  private registerWindows(): void {
    for (const e of this.expectations) {
      if (e.kind !== 'shares' || !e.window) continue;
      const key = `${e.window.from}-${e.window.to}`;
      if (this.windowIndex.has(key)) continue;
      this.windowIndex.set(key, this.windows.length);
      this.windows.push({ from: e.window.from, to: e.window.to });
    }
  }

  toState(): ReportState {
    const used = this.clock.used;
    return {
      schema: REPORT_STATE_SCHEMA,
      run: this.dict.run ?? null,
      shard: this.shard,
      definitions: [...this.definitions],
      expectations: this.explicit ? this.expectations : null,
      clock: { step: this.clock.steps, used },
      listeners: {
        requests: Array.from(this.listeners.requests),
        outcomes: Array.from(this.listeners.outcomes),
      },
      outcomes: Array.from(this.outcomes),
      requests: this.requests,
      sticky: this.sticky,
      retried: this.retried,
      lastT: this.lastT,
      finished: this.finished ?? null,
      faults: [...this.faults],
      topology: [...this.topology],
      scopes: Array.from({ length: this.scopes.length }, (_, i) => this.scopes[i]?.toState(used) ?? null),
    };
  }

  static fromStates(states: readonly ReportState[]): ReportProjection {
    if (states.length === 0) throw new ReportMergeError('no shard to merge');
    const first = states[0];
    for (const st of states) {
      if (st.schema !== REPORT_STATE_SCHEMA)
        throw new ReportMergeError(`not a report state of this slbsim (${String(st.schema)})`);
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      if (!same(st.run, first.run))
        throw new ReportMergeError('the shards come from different runs (RunStarted differs)');
      if (!same(st.definitions, first.definitions))
        throw new ReportMergeError('the shards define listeners, templates, backends or scopes differently');
      if (!same(st.expectations, first.expectations))
        throw new ReportMergeError('the shards check different expectations');
      if (!same(st.faults, first.faults) || !same(st.topology, first.topology))
        throw new ReportMergeError('the shards saw different topology events or faults');
    }
    checkShardCoverage(states);
    states.forEach(checkCounts);
    const p = new ReportProjection(first.expectations ?? undefined);
    if (first.run !== null) {
      p.dict.observe(first.run);
      if (!p.explicit && first.run.expect) {
        p.expectations = first.run.expect;
        p.registerWindows();
      }
    }
    const step = Math.max(...states.map((st) => st.clock.step));
    p.clock.widenTo(step);
    for (const entry of first.definitions) {
      p.dict.observe(entry);
      p.definitions.push(entry);
      if (entry.type === 'ScopeDefined') p.scopes[entry.scope] = new ScopeState(entry, p.clock, p.windows);
    }
    p.faults.push(...first.faults);
    p.topology.push(...first.topology);
    let finished: RunFinished | undefined;
    for (const [k, st] of states.entries()) {
      const ratio = TimelineClock.widthAt(step) / TimelineClock.widthAt(st.clock.step);
      p.clock.markUsed(Math.ceil(st.clock.used / ratio));
      st.scopes.forEach((d, i) => {
        if (d === null) return;
        const scope = p.scopes[i] ?? (p.scopes[i] = new ScopeState(d.def, p.clock, p.windows));
        const series = d.series.map((x) => rebucket(x, st.clock.step, step));
        const why = scope.mergeFrom(d, series, rebucket(d.failedSeries, st.clock.step, step));
        if (why !== null) throw new ReportMergeError(`shard ${k + 1}, scope ${i}: ${why}`);
      });
      for (let l = 0; l < st.listeners.requests.length; l++) p.listeners.add(l, st.listeners.outcomes);
      st.outcomes.forEach((n, o) => {
        p.outcomes[o] += n;
      });
      p.sticky += st.sticky;
      p.retried += st.retried;
      if (st.lastT > p.lastT) p.lastT = st.lastT;
      const f = st.finished;
      if (k === 0) finished = f ?? undefined;
      else if (finished !== undefined)
        finished =
          f === null
            ? undefined
            : {
                ...finished,
                t: Math.max(finished.t, f.t),
                requests: finished.requests + f.requests,
                partial: finished.partial || f.partial,
              };
    }
    p.finished = finished;
    return p;
  }

  build(): Report {
    const run = this.dict.run;
    const endUs = this.finished?.t ?? this.lastT;
    const outcomes = Object.fromEntries(
      OUTCOME_NAMES.map((name, i) => [name, this.outcomes[i]]).filter(
        ([name, n]) => n !== 0 || !OUTCOMES_LISTED_WHEN_SEEN.has(name as OutcomeName),
      ),
    ) as OutcomeCounts;
    const scopes = this.scopes.filter((s): s is ScopeState => s !== undefined);
    const buckets = this.clock.used;
    const listeners = listenerReports(this.dict, this.listeners, scopes);
    // A scope that never had a member and took no request (a default pool without a
    // BackendServerPort, say) has nothing to report.
    const groups = scopes
      .map((s) => groupReport(s, this.dict, endUs, buckets))
      .filter((g) => g.requests > 0 || g.epochs.some((e) => e.backends.length > 0));
    const body = { requests: this.requests, outcomes, listeners, groups };
    const ctx: ExpectationContext = {
      report: body,
      groupServed: (group, listener, window) => this.groupServed(scopes, group, listener, window),
    };
    return {
      schema: REPORT_SCHEMA,
      slbsimVersion: run?.slbsimVersion ?? 'unknown',
      scenario: { name: run?.name ?? '', file: run?.scenario ?? '' },
      seed: run?.seed ?? '',
      rng: run?.rng ?? '',
      options: canonical(run?.options ?? {}) as Record<string, unknown>,
      partial: this.finished === undefined || this.finished.partial,
      endUs,
      requests: this.requests,
      outcomes,
      sticky: this.sticky,
      retried: this.retried,
      latency: summarize(mergeLatency(scopes.map((s) => s.latency))),
      listeners,
      groups,
      faults: [...this.faults],
      topologyEvents: [...this.topology],
      timeline: { bucketUs: this.clock.width, buckets },
      // A shard holds part of the run: its expectations are checked on the merged run.
      expectations:
        this.shard === null && this.expectations.length > 0
          ? evaluateExpectations(this.expectations, ctx)
          : null,
      ...(this.shard === null
        ? {}
        : {
            shard: {
              index: this.shard.index,
              count: this.shard.count,
              units: this.shard.units,
              state: this.toState(),
            },
          }),
    };
  }

  private groupServed(
    scopes: readonly ScopeState[],
    group: string,
    listener: string | undefined,
    window: { readonly from: number; readonly to: number } | undefined,
  ): Map<string, number> | null {
    const w = window ? this.windowIndex.get(`${window.from}-${window.to}`) : undefined;
    if (window && w === undefined)
      throw new Error(`expectation window ${window.from}-${window.to} was not registered`);
    let found = false;
    const out = new Map<string, number>();
    for (const s of scopes) {
      const d = s.def;
      const ms = d.source === 'master-slave';
      const dp = d.source === 'default-pool';
      const ident = {
        VServerGroupId: ms || dp ? null : d.groupId,
        MasterSlaveServerGroupId: ms ? d.groupId : null,
        defaultPool: dp,
      };
      if (!groupMatches(ident, group)) continue;
      if (listener !== undefined && this.dict.listeners[d.listener]?.key !== listener) continue;
      found = true;
      const counts = w === undefined ? s.served : s.windowCounts[w];
      for (let c = 0; c < s.columns.length; c++) {
        const key = backendLabel(this.dict, s.columns[c]);
        out.set(key, (out.get(key) ?? 0) + counts[c]);
      }
    }
    return found ? out : null;
  }
}

/** A copy of a JSON-like value with object keys sorted, so the report's key order is fixed. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A state's request counts are the sums of its outcome counts (the projection keeps only the latter). */
function checkCounts(st: ReportState, k: number): void {
  const sum = (xs: readonly number[], from = 0, to = xs.length) => {
    let n = 0;
    for (let i = from; i < to; i++) n += xs[i] ?? 0;
    return n;
  };
  const where = `shard ${k + 1}`;
  if (st.requests !== sum(st.outcomes))
    throw new ReportMergeError(`${where}: ${st.requests} requests but ${sum(st.outcomes)} outcomes`);
  const K = OUTCOME_NAMES.length;
  st.listeners.requests.forEach((n, l) => {
    const o = sum(st.listeners.outcomes, l * K, (l + 1) * K);
    if (n !== o) throw new ReportMergeError(`${where}: listener ${l} has ${n} requests but ${o} outcomes`);
  });
}

/** Shards merge only as a whole set: every index of one count, once each. */
function checkShardCoverage(states: readonly ReportState[]): void {
  const shards = states.map((s) => s.shard);
  if (shards.every((s) => s === null)) {
    if (states.length > 1) throw new ReportMergeError('these are whole runs, not shards of one run');
    return;
  }
  if (shards.some((s) => s === null)) throw new ReportMergeError('a whole run cannot be merged with shards');
  const count = shards[0]!.count;
  const seen = new Set<number>();
  for (const s of shards) {
    if (s!.count !== count)
      throw new ReportMergeError(
        `shard ${s!.index}/${s!.count} is of another cut than ${shards[0]!.index}/${count}`,
      );
    if (seen.has(s!.index)) throw new ReportMergeError(`shard ${s!.index}/${count} is given twice`);
    seen.add(s!.index);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new ReportMergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
}
