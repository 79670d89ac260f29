/**
 * The model re-run on the log's own requests: the log's rows become a trace (time, listener,
 * Host, path, client) in a temporary NDJSON file, the engine's `Simulation` replays it — with the
 * scenario's timeline and faults, and the cluster shape asked for — and its served requests are
 * counted per group slot and time window, like the log's. Used to test whether a cluster of many
 * nodes explains an observed spread. A trace must be in time order, so this needs a log whose
 * rows are.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../engine/simulation.js';
import { ROW_CONTROL, ROW_ROUTED } from '../journal/journal-rows.js';
import { OUTCOME_OK } from '../routing/outcomes.js';
import type { ClusterShape, Scenario } from '../scenario/scenario-model.js';
import type { LogRow } from './log-fields.js';
import { LogReader } from './log-reader.js';
import type { TopologyVersions } from './topology-versions.js';

/** Counts per group slot: the whole log and per window. */
export interface RerunCounts {
  readonly total: (Float64Array | undefined)[];
  readonly windows: Map<number, Float64Array>[];
}

export interface RerunOptions {
  readonly files: readonly string[];
  readonly originMs: number;
  readonly windowMs: number;
  readonly cluster: ClusterShape;
}

/** Write the log's rows as a trace file; returns its path (in a fresh temporary folder). */
function writeTrace(model: TopologyVersions, opts: RerunOptions, dir: string): string {
  const file = join(dir, 'trace.ndjson');
  const fd = openSync(file, 'w');
  const keys = new Map<string, string>();
  let lines: string[] = [];
  let lastV = 0;
  const flush = () => {
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    lines = [];
  };
  const reader = new LogReader(opts.files, {
    onProblem: () => {
      // Already reported by the first pass.
    },
    onRow: (row: LogRow) => {
      const slbid = reader.slbids.text(row.slbid);
      const t = Math.max(0, row.timeMs - opts.originMs);
      const portKey = `${slbid}:${row.vport}`;
      lastV = model.versionAt(t * 1000, lastV);
      let listener = model.versions[lastV].listenersByPort.get(portKey)?.key;
      if (listener === undefined) {
        // A listener the scenario has at another time (the model refuses the request then); rows
        // for a listener it never has do not bear on any group and are left out.
        listener = keys.get(portKey);
        if (listener === undefined) {
          listener =
            model.versions.find((v) => v.listenersByPort.has(portKey))?.listenersByPort.get(portKey)?.key ??
            '';
          keys.set(portKey, listener);
        }
        if (listener === '') return;
      }
      const path = reader.paths.text(row.path);
      const host = row.host < 0 ? '' : reader.hosts.text(row.host);
      const ip = row.clientIp;
      lines.push(
        `{"t":${t},"listener":${JSON.stringify(listener)},"host":${JSON.stringify(host)},"path":${JSON.stringify(path.startsWith('/') ? path : `/${path}`)},"clientIp":"${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}","clientPort":${row.clientPort > 0 ? row.clientPort : 1024 + (row.line % 60000)}}`,
      );
      if (lines.length >= 4096) flush();
    },
  });
  try {
    reader.readAll();
    flush();
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Replay the log's requests through the model with the given cluster shape. */
export function rerunOnLog(scenario: Scenario, model: TopologyVersions, opts: RerunOptions): RerunCounts {
  const dir = mkdtempSync(join(os.tmpdir(), 'slbsim-logs-'));
  try {
    const trace = writeTrace(model, opts, dir);
    const traffic = scenario.traffic;
    const sim = new Simulation({
      ...scenario,
      traffic: {
        phases: [],
        mix: [],
        clients: { ips: 1, portsPerIp: 1, firstIp: '10.0.0.1', firstPort: 40000, keepCookies: true },
        service: traffic?.service ?? { groups: {}, backends: {} },
        trace: { file: trace, format: 'ndjson', pos: { file: trace, line: 1, col: 1 } },
      },
      expect: [],
      simulation: { ...scenario.simulation, cluster: opts.cluster, clusterByListener: {}, until: undefined },
    });
    const listenerKeys: string[] = [];
    const scopeSlot: number[] = [];
    const backendKeys: string[] = [];
    const total: (Float64Array | undefined)[] = model.slots.map(() => undefined);
    const windows: Map<number, Float64Array>[] = model.slots.map(() => new Map());
    const slotOf = new Map(model.slots.map((s) => [`${s.listener}|${s.group}`, s.index]));
    sim.journal$.subscribe((batch) => {
      for (let i = 0; i < batch.n; i++) {
        const kind = batch.kind[i];
        if (kind === ROW_CONTROL) {
          const c = batch.control[i]!;
          if (c.type === 'ListenerDefined') listenerKeys[c.listener] = c.key;
          else if (c.type === 'BackendDefined') backendKeys[c.backend] = `${c.ServerId}:${c.Port}`;
          else if (c.type === 'ScopeDefined') {
            const lb = listenerKeys[c.listener].split(':')[0];
            const group = c.groupId ?? `default@${lb}`;
            scopeSlot[c.scope] = slotOf.get(`${listenerKeys[c.listener]}|${group}`) ?? -1;
          }
          continue;
        }
        if (kind !== ROW_ROUTED || batch.outcome[i] !== OUTCOME_OK) continue;
        const slot = scopeSlot[batch.scope[i]] ?? -1;
        if (slot < 0) continue;
        const s = model.slots[slot];
        const b = s.backendIndex.get(backendKeys[batch.backend[i]]);
        if (b === undefined) continue;
        let tot = total[slot];
        if (tot === undefined) total[slot] = tot = new Float64Array(s.backends.length);
        tot[b]++;
        if (opts.windowMs > 0) {
          const w = Math.floor((opts.originMs + batch.t[i] / 1000) / opts.windowMs);
          let c = windows[slot].get(w);
          if (c === undefined) windows[slot].set(w, (c = new Float64Array(s.backends.length)));
          c[b]++;
        }
      }
    });
    sim.run();
    return { total, windows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
