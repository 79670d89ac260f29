/**
 * The model's expected shares over time, per scope: the epochs the engine journals when it replays
 * the scenario's timeline and faults without traffic (topology events, health verdicts, stopped
 * ECS instances), each with its members' weights and eligibility. An epoch's expected share of a
 * backend is its weight over the eligible members' (`wrr`, `wlc`), or an equal share of the
 * eligible members (`rr`, which ignores weights), laid out over the backends of the scope's group
 * slot.
 */
import { Simulation } from '../engine/simulation.js';
import { ROW_CONTROL } from '../journal/journal-rows.js';
import type { Scenario } from '../scenario/scenario-model.js';
import type { TopologyVersions } from './topology-versions.js';

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

  constructor(scenario: Scenario, model: TopologyVersions) {
    const sim = new Simulation({
      ...scenario,
      traffic: undefined,
      simulation: { ...scenario.simulation, until: undefined },
    });
    const backends: string[] = [];
    const raw: Array<{
      t: number;
      scope: number;
      members: { backend: number; Weight: number; eligible: boolean }[];
      cause: string;
    }> = [];
    sim.journal$.subscribe((batch) => {
      for (let i = 0; i < batch.n; i++) {
        if (batch.kind[i] !== ROW_CONTROL) continue;
        const c = batch.control[i]!;
        if (c.type === 'BackendDefined') backends[c.backend] = `${c.ServerId}:${c.Port}`;
        else if (c.type === 'EpochStarted')
          raw.push({ t: c.t, scope: c.scope, members: [...c.members], cause: c.cause });
      }
    });
    sim.run();
    for (let s = 0; s < model.scopes.length; s++) this.byScope.push([]);
    for (const e of raw) {
      const key = sim.balancer.scopes[e.scope].key;
      const scope = model.scopeByKey(key);
      if (scope < 0) continue; // a layer-4 scope: no access log
      const info = model.scopes[scope];
      const slot = model.slots[info.slot];
      const expected = new Float64Array(slot.backends.length);
      const equal = info.scheduler === 'rr';
      let sum = 0;
      let eligible = 0;
      for (const m of e.members) {
        if (!m.eligible || m.Weight <= 0) continue;
        const b = slot.backendIndex.get(backends[m.backend]);
        if (b === undefined) continue;
        const w = equal ? 1 : m.Weight;
        expected[b] += w;
        sum += w;
        eligible++;
      }
      if (sum > 0) for (let i = 0; i < expected.length; i++) expected[i] /= sum;
      const id = this.epochs.length;
      this.epochs.push({ id, scope, fromUs: e.t, cause: e.cause, expected, eligible });
      this.byScope[scope].push(id);
    }
    for (const ids of this.byScope) this.starts.push(Float64Array.from(ids, (id) => this.epochs[id].fromUs));
    this.cursor = new Int32Array(model.scopes.length);
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
