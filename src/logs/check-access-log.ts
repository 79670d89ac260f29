/**
 * `slbsim logs` as one library call: a scenario and CLB access-log files → the comparison report.
 *
 * 1. The model: a balancer per topology version (`TopologyVersions`) and the epochs the engine
 *    journals for the scenario's timeline and faults (`EpochTable`).
 * 2. One streaming pass over the log (`LogReader` → `LogComparison`): the group check row by row
 *    and the share counts per group and time window.
 * 3. Shares and causes per group and window (`uneven-causes.ts`); when some share is beyond
 *    `maxDiff`, the model is re-run on the log's requests in cluster mode (`log-rerun.ts`) to test
 *    whether a cluster of many nodes explains it.
 *
 * Malformed rows are reported as `file:line: CODE message` (the first `PROBLEM_SAMPLES` and a
 * count) and make the check a `UserError` (exit 2) unless `skipBadRows` is set, in which case the
 * report counts them.
 */
import type { ClusterShape, Scenario } from '../scenario/scenario-model.js';
import { UserError } from '../util/user-error.js';
import { VERSION } from '../util/version.js';
import { replayEpochs } from './epoch-replay.js';
import type { EpochTable } from './epoch-table.js';
import type { ListenerStats, LogComparison, ShareCell } from './log-compare.js';
import { isoTime } from './log-fields.js';
import { elsewhereIndex, type LogModel, PROBLEM_SAMPLES } from './log-part.js';
import { PARALLEL_MIN_BYTES, readInPieces, readOnOne } from './log-pieces.js';
import { LogReader } from './log-reader.js';
import { type RerunCounts, rerunOnLog } from './log-rerun.js';
import type { GroupShares, ListenerLogReport, LogsReport, ShareReport } from './logs-report-model.js';
import { TopologyVersions } from './topology-versions.js';
import { type ShareContext, shareReport } from './uneven-causes.js';

export { PARALLEL_MIN_BYTES, PROBLEM_SAMPLES };

export interface LogCheckOptions {
  readonly maxDiff: number;
  readonly alpha: number;
  /** Window width in ms (0: the whole log only). */
  readonly windowMs: number;
  /** Shape of the cluster re-run that tests the "many nodes" cause. */
  readonly cluster: ClusterShape;
  /** Disagreeing rows and windows listed per listener and group, at most. */
  readonly list: number;
  /** Scenario time 0 as Unix ms (default: the first row's time). */
  readonly originMs?: number;
  readonly skipBadRows?: boolean;
  /** The scenario file as the user typed it. */
  readonly scenarioLabel: string;
  /** Called between slices of the read (bytes done, bytes in all files). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * 1: read on one thread. 2: read in pieces on this thread and a worker thread, whatever the
   * log's size. Default: two threads for JSON lines of at least `PARALLEL_MIN_BYTES` on two or
   * more cores. The report is the same either way (see log-pieces.ts).
   */
  readonly threads?: 1 | 2;
}

function checkReadable(files: readonly string[]): LogReader['files'] {
  const problems: string[] = [];
  for (const f of files) {
    try {
      new LogReader([f], { onRow: () => {}, onProblem: () => {} });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(
        e.code === 'ENOENT'
          ? `${f}: no such file`
          : `${f}: cannot read: ${e.message.replace(/^[A-Z]+: /, '')}`,
      );
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return files;
}

export async function checkAccessLog(
  scenario: Scenario,
  files: readonly string[],
  options: LogCheckOptions,
): Promise<LogsReport> {
  if (files.length === 0) throw new UserError(['no access-log file given']);
  checkReadable(files);
  const model = new TopologyVersions(scenario);
  const epochs = replayEpochs(scenario, model);
  const m: LogModel = { model, epochs, elsewhere: elsewhereIndex(model) };
  const read = (await readInPieces(scenario, m, files, options)) ?? (await readOnOne(m, files, options));
  const { bad, problems } = read;
  if (bad > 0 && !options.skipBadRows)
    throw new UserError([
      ...problems,
      `${bad} malformed row${bad === 1 ? '' : 's'} in ${files.join(', ')}${bad > problems.length ? ` (the first ${problems.length} shown)` : ''}; nothing was compared (--skip-bad-rows compares the others and counts these)`,
    ]);
  const c = read.cmp;
  const report = buildReport(scenario, files, options, model, epochs, c, null, bad, problems);
  const needsRerun = report.listeners.some((l) =>
    l.groups.some((g) => g.total.exceeded || g.windows.exceeded > 0),
  );
  if (!needsRerun || !c.ordered || c.originMs === undefined) return report;
  const rerun = rerunOnLog(scenario, model, {
    files,
    originMs: c.originMs,
    windowMs: options.windowMs,
    cluster: options.cluster,
  });
  return buildReport(scenario, files, options, model, epochs, c, rerun, bad, problems);
}

function buildReport(
  scenario: Scenario,
  files: readonly string[],
  options: LogCheckOptions,
  model: TopologyVersions,
  epochs: EpochTable,
  c: LogComparison,
  rerun: RerunCounts | null,
  bad: number,
  problems: readonly string[],
): LogsReport {
  const shape = `${options.cluster.nodes}x${options.cluster.workers}`;
  const why = !c.ordered
    ? `the rows are not in time order (${c.firstDisorder!.file}:${c.firstDisorder!.line} is earlier than the row before it); sort the log by time to test it`
    : 'not needed';
  const ctxFor = (slot: number, cell: ShareCell, from: string | null, to: string | null): ShareContext => {
    const counts =
      rerun === null
        ? null
        : cell.window < 0
          ? (rerun.total[slot] ?? new Float64Array(model.slots[slot].backends.length))
          : (rerun.windows[slot].get(cell.window) ?? new Float64Array(model.slots[slot].backends.length));
    return {
      slot: model.slots[slot],
      epochs,
      maxDiff: options.maxDiff,
      alpha: options.alpha,
      cluster: { shape, counts, why },
      from,
      to,
    };
  };
  const listeners: ListenerLogReport[] = [];
  let flaggedGroups = 0;
  let exceededGroups = 0;
  let flaggedWindows = 0;
  const sorted = [...c.listeners.values()].sort((a, b) =>
    a.listener < b.listener ? -1 : a.listener > b.listener ? 1 : 0,
  );
  for (const l of sorted) {
    const groups: GroupShares[] = [];
    for (const s of model.slots) {
      if (s.listener !== l.listener) continue;
      const st = c.slotStats[s.index];
      if (st.total.n === 0) continue;
      const total = shareReport(st.total, ctxFor(s.index, st.total, null, null));
      const exceeded: ShareReport[] = [];
      let nFlagged = 0;
      const cells = [...st.windows.values()].sort((a, b) => a.window - b.window);
      for (const cell of cells) {
        const from = isoTime(cell.window * options.windowMs);
        const to = isoTime((cell.window + 1) * options.windowMs);
        const r = shareReport(cell, ctxFor(s.index, cell, from, to));
        if (!r.exceeded) continue;
        exceeded.push(r);
        if (r.flagged) nFlagged++;
      }
      exceeded.sort((a, b) => Number(b.flagged) - Number(a.flagged));
      if (total.exceeded) exceededGroups++;
      if (total.flagged) flaggedGroups++;
      flaggedWindows += nFlagged;
      groups.push({
        group: s.group,
        groupName: s.groupName,
        scheduler: s.scheduler,
        sticky: s.sticky,
        total,
        windows: {
          count: cells.length,
          exceeded: exceeded.length,
          flagged: nFlagged,
          listed: exceeded.slice(0, options.list),
        },
      });
    }
    listeners.push(listenerReport(l, groups));
  }
  const sum = (f: (l: ListenerLogReport) => number) => listeners.reduce((a, l) => a + f(l), 0);
  const disagree = sum((l) => l.disagreements.total);
  return {
    schema: 'slbsim-logs/1',
    slbsimVersion: VERSION,
    scenario: { name: scenario.name, file: options.scenarioLabel },
    logs: [...files],
    passed: disagree === 0 && flaggedGroups === 0 && flaggedWindows === 0,
    options: {
      maxDiff: options.maxDiff,
      alpha: options.alpha,
      windowMs: options.windowMs,
      cluster: shape,
      list: options.list,
    },
    origin: c.originMs === undefined ? null : isoTime(c.originMs),
    first: c.rows > 0 ? isoTime(c.firstMs) : null,
    last: c.rows > 0 ? isoTime(c.lastMs) : null,
    ordered: c.ordered,
    rows: c.rows,
    badRows: { count: bad, samples: [...problems] },
    summary: {
      agree: sum((l) => l.agree),
      disagree,
      ambiguous: sum((l) => l.ambiguous),
      noUpstream: sum((l) => l.noUpstream.count),
      retried: sum((l) => l.retried),
      exceededGroups,
      flaggedGroups,
      flaggedWindows,
    },
    unaddressed: [...model.unaddressed].sort(),
    listeners,
  };
}

function listenerReport(l: ListenerStats, groups: GroupShares[]): ListenerLogReport {
  const d = l.disagreements;
  const byStatus: Record<string, number> = {};
  for (const k of [...l.noUpstreamByStatus.keys()].sort((a, b) => a - b))
    byStatus[String(k)] = l.noUpstreamByStatus.get(k)!;
  return {
    listener: l.listener,
    known: l.known,
    rows: l.rows,
    agree: l.agree,
    ambiguous: l.ambiguous,
    disagreements: {
      group: d.group,
      outside: d.outside,
      noListener: d['no-listener'],
      listenerStopped: d['listener-stopped'],
      total: l.disagreeing,
    },
    patterns: [...l.patterns.values()]
      .sort((a, b) => b.count - a.count)
      .map(({ count, example: e }) => ({
        kind: e.kind,
        count,
        host: e.host,
        modelRoute: e.modelRoute,
        modelGroup: e.modelGroup,
        actualGroups: e.actualGroups,
        elsewhere: e.elsewhere,
        first: `${e.file}:${e.line}`,
      })),
    listed: l.listed.map((x) => ({ ...x })),
    unlisted: l.disagreeing - l.listed.length,
    noUpstream: { count: l.noUpstream, byStatus, modelHadBackends: l.noUpstreamModelEligible },
    retried: l.retried,
    schemeMismatch: l.schemeMismatch,
    groups,
  };
}
