/**
 * The model's epochs for the log check: the scenario's timeline and faults replayed by the engine
 * without traffic, its journalled `EpochStarted` rows turned into an `EpochTable` over the log
 * check's scopes. Apart from epoch-table.ts so that a worker thread, which is handed the epochs,
 * does not load the engine.
 */
import { Simulation } from '../engine/simulation.js';
import { ROW_CONTROL } from '../journal/journal-rows.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { type Epoch, EpochTable } from './epoch-table.js';
import type { TopologyVersions } from './topology-versions.js';

export function replayEpochs(scenario: Scenario, model: TopologyVersions): EpochTable {
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
  const epochs: Epoch[] = [];
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
    epochs.push({ id: epochs.length, scope, fromUs: e.t, cause: e.cause, expected, eligible });
  }
  return new EpochTable(epochs, model.scopes.length);
}
