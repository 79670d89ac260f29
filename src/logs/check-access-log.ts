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
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ClusterShape, Scenario } from '../scenario/scenario-model.js';
import { FileError, UserError } from '../util/user-error.js';
import { VERSION } from '../util/version.js';
import { findWorkerFile } from '../util/worker-file.js';
import { replayEpochs } from './epoch-replay.js';
import type { EpochTable } from './epoch-table.js';
import type { ListenerStats, LogComparison, ShareCell } from './log-compare.js';
import { isoTime } from './log-fields.js';
import {
  elsewhereIndex,
  type LogModel,
  LogPart,
  type LogPartResult,
  type LogPartTask,
  PROBLEM_SAMPLES,
} from './log-part.js';
import { detectLogFormat, formatLogProblem, type LogPlace, LogReader } from './log-reader.js';
import { type RerunCounts, rerunOnLog } from './log-rerun.js';
import type { GroupShares, ListenerLogReport, LogsReport, ShareReport } from './logs-report-model.js';
import { TopologyVersions } from './topology-versions.js';
import { type ShareContext, shareReport } from './uneven-causes.js';

export { PROBLEM_SAMPLES };

/**
 * A log of JSON lines at least this large is read in two halves on two threads (given two cores):
 * below it, the worker's start (about 0.3 s of loading modules and building the model) outweighs
 * what it saves.
 */
export const PARALLEL_MIN_BYTES = 256 << 20;

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
   * 1: read on one thread. 2: read the second half of the log on a worker thread, whatever its
   * size. Default: two threads for JSON lines of at least `PARALLEL_MIN_BYTES` on two or more
   * cores. The report is the same either way (see `readInTwo`).
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
  const read = (await readInTwo(scenario, m, files, options)) ?? (await readOnOne(m, files, options));
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

interface ReadResult {
  readonly cmp: LogComparison;
  readonly bad: number;
  /** The first `PROBLEM_SAMPLES` malformed rows, formatted. */
  readonly problems: string[];
}

/** Read in slices, yielding to the event loop between them (progress bar, signals). */
async function pump(reader: LogReader, progress: (done: number) => void): Promise<void> {
  for (;;) {
    let done: boolean;
    try {
      done = reader.step(32 << 20);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new FileError(reader.fileName, `cannot read: ${(err as Error).message}`);
    }
    progress(reader.bytesDone);
    if (done) break;
    await new Promise((r) => setImmediate(r));
  }
}

async function readOnOne(
  m: LogModel,
  files: readonly string[],
  options: LogCheckOptions,
): Promise<ReadResult> {
  const part = new LogPart(m, {
    files,
    originMs: options.originMs,
    windowMs: options.windowMs,
    listLimit: options.list,
  });
  await pump(part.reader, (done) => options.onProgress?.(done, part.reader.totalBytes));
  return { cmp: part.cmp, bad: part.bad, problems: part.problems.map(formatLogProblem) };
}

/** The worker module (util/worker-file.ts), or null when it is not built. */
function logWorkerFile(): string | null {
  return findWorkerFile(import.meta.url, 'log-worker.js');
}

/** Where the main thread's half ends and the worker's starts (the start of a line), or null. */
function splitPlan(
  files: readonly string[],
  threads: LogCheckOptions['threads'],
): { at: LogPlace; workerBytes: number } | null {
  if (threads === 1 || (threads === undefined && availableParallelism() < 2)) return null;
  // Problems and listed rows are named by file: two files of one name could not be told apart.
  if (new Set(files).size !== files.length) return null;
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < 2 || (threads === undefined && total < PARALLEL_MIN_BYTES)) return null;
  // CSV rows need the header of their file; JSON lines stand alone.
  if (files.some((f) => detectLogFormat(f) !== 'jsonl')) return null;
  let at = Math.floor(total / 2);
  let f = 0;
  while (at >= sizes[f]) at -= sizes[f++];
  let before = 0;
  for (let i = 0; i < f; i++) before += sizes[i];
  if (at > 0) {
    // The first line that starts at or after the middle.
    const fd = openSync(files[f], 'r');
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      let pos = at - 1;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) return null;
        const nl = buf.indexOf(10);
        if (nl >= 0 && nl < n) {
          at = pos + nl + 1;
          break;
        }
        pos += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { at: { file: f, offset: at }, workerBytes: total - before - at };
}

/** The time of the first good row before `to`, or undefined. */
function firstRowMs(files: readonly string[], to: LogPlace): number | undefined {
  let t: number | undefined;
  const r: LogReader = new LogReader(files, {
    to,
    onRow: (row) => {
      t = row.timeMs;
      r.stop();
    },
    onProblem: () => {},
  });
  r.readAll();
  return t;
}

/**
 * A large log of JSON lines read in two halves at once: the first on this thread, the second (from
 * the first line start after the middle) on a worker thread, with the same origin (`--start`, else
 * the first row's time, read first); then `LogComparison.merge` adds the second to the first. Line
 * numbers of the worker's part of the file that is cut are counted from the cut, and get the main
 * thread's lines of that file added. Null — and the caller reads on one thread — when the log is
 * small or not JSON lines, the machine has one core, the worker is not built, it fails, or the
 * merge would not be exact (a bounded table filled up; see `LogComparison.unmergeable`).
 */
async function readInTwo(
  scenario: Scenario,
  m: LogModel,
  files: readonly string[],
  options: LogCheckOptions,
): Promise<ReadResult | null> {
  const plan = splitPlan(files, options.threads);
  const workerFile = plan === null ? null : logWorkerFile();
  if (plan === null || workerFile === null) return null;
  const originMs = options.originMs ?? firstRowMs(files, plan.at);
  if (originMs === undefined) return null;
  const task: LogPartTask = {
    scenario,
    epochs: m.epochs.epochs,
    files,
    from: plan.at,
    originMs,
    windowMs: options.windowMs,
    listLimit: options.list,
  };
  const worker = new Worker(workerFile, { workerData: { slbsimLogPart: task } });
  const part = new LogPart(m, {
    files,
    to: plan.at,
    originMs,
    windowMs: options.windowMs,
    listLimit: options.list,
  });
  const total = part.reader.totalBytes + plan.workerBytes;
  let mainDone = 0;
  let workerDone = 0;
  const result = new Promise<LogPartResult | null>((done) => {
    worker.on('message', (msg: { progress?: number; result?: LogPartResult }) => {
      if (msg.result !== undefined) done(msg.result);
      else if (msg.progress !== undefined) {
        workerDone = msg.progress;
        options.onProgress?.(mainDone + workerDone, total);
      }
    });
    worker.on('error', () => done(null));
    worker.on('exit', () => done(null));
  });
  try {
    await pump(part.reader, (done) => {
      mainDone = done;
      options.onProgress?.(mainDone + workerDone, total);
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const other = await result;
  await worker.terminate();
  if (other === null) return null;
  const base = part.reader.linesRead;
  const cut = files[plan.at.file];
  const line = (file: string, n: number) => (file === cut ? n + base : n);
  if (part.cmp.merge(other.part, line) !== null) return null;
  const problems = [...part.problems, ...other.problems.map((p) => ({ ...p, line: line(p.file, p.line) }))];
  return {
    cmp: part.cmp,
    bad: part.bad + other.bad,
    problems: problems.slice(0, PROBLEM_SAMPLES).map(formatLogProblem),
  };
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
