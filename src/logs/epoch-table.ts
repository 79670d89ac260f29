/**
 * The model's expected shares over time, per scope: the epochs the engine journals when it replays
 * the scenario's timeline and faults without traffic (topology events, health verdicts, stopped
 * ECS instances), each with its members' weights and eligibility. An epoch's expected share of a
 * backend is its weight over the eligible members' (`wrr`, `wlc`), or an equal share of the
 * eligible members (`rr`, which ignores weights), laid out over the backends of the scope's group
 * slot. Built by `replayEpochs` (epoch-replay.ts); a worker thread gets the epochs as data.
 */
export interface Epoch {
  /** Global epoch id (index in `EpochTable.epochs`). */
  readonly id: number;
  readonly scope: number;
  readonly fromUs: number;
  readonly cause: string;
  /** Expected share per backend of the scope's group slot. */
  readonly expected: Float64Array;
  /** Eligible members with weight > 0. */
  readonly eligible: number;
}

export class EpochTable {
  readonly epochs: Epoch[] = [];
  /** Epoch ids per ScopeInfo index, in time order. */
  private readonly byScope: number[][] = [];
  private readonly starts: Float64Array[] = [];
  private readonly cursor: Int32Array;

  /** `epochs` in id order (each knows its scope), over `scopes` scopes. */
  constructor(epochs: readonly Epoch[], scopes: number) {
    for (let s = 0; s < scopes; s++) this.byScope.push([]);
    for (const e of epochs) {
      this.epochs.push(e);
      this.byScope[e.scope].push(e.id);
    }
    for (const ids of this.byScope) this.starts.push(Float64Array.from(ids, (id) => this.epochs[id].fromUs));
    this.cursor = new Int32Array(scopes);
  }

  /** The epoch of a scope at scenario time `t`, or -1 when the scope has none (never started). */
  at(scope: number, t: number): number {
    const s = this.starts[scope];
    const n = s.length;
    if (n === 0) return -1;
    let c = this.cursor[scope];
    if (s[c] <= t && (c + 1 === n || s[c + 1] > t)) return this.byScope[scope][c];
    if (c + 1 < n && s[c + 1] <= t && (c + 2 === n || s[c + 2] > t)) c++;
    else {
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (s[mid] <= t) lo = mid;
        else hi = mid - 1;
      }
      c = lo;
    }
    this.cursor[scope] = c;
    return this.byScope[scope][c];
  }
}
