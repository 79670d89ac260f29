/**
 * One part of an access log read and compared with the model — the whole log on one thread, or,
 * for a large log on a machine with several cores, the second half on a worker thread
 * (`log-worker.ts`) while the main thread reads the first; `LogComparison.merge` then adds the
 * halves up as one pass would have (check-access-log.ts). The worker builds the routing model again
 * from the scenario (structured-cloned; it is deterministic, so both threads hold the same one) and
 * is handed the epochs as data, so that it does not load the engine to replay them.
 */
import type { Scenario } from '../scenario/scenario-model.js';
import { type Epoch, EpochTable } from './epoch-table.js';
import { type ComparisonPart, LogComparison } from './log-compare.js';
import { type LogPlace, type LogProblem, LogReader } from './log-reader.js';
import { TopologyVersions } from './topology-versions.js';
import { AllGroupsIndex } from './upstream-map.js';

/** Malformed rows shown, at most (the rest are counted). */
export const PROBLEM_SAMPLES = 20;

/** The scenario's routing over time, its epochs and the groups of every address. */
export interface LogModel {
  readonly model: TopologyVersions;
  readonly epochs: EpochTable;
  readonly elsewhere: AllGroupsIndex;
}

/** Every group of the scenario an address is in. */
export function elsewhereIndex(model: TopologyVersions): AllGroupsIndex {
  const elsewhere = new AllGroupsIndex();
  for (const s of model.slots) for (const a of s.addresses) elsewhere.add(a, `${s.group} (${s.listener})`);
  return elsewhere;
}

export interface LogPartOptions {
  readonly files: readonly string[];
  readonly from?: LogPlace;
  readonly to?: LogPlace;
  /** Scenario time 0 (Unix ms); undefined: the first row's time (only for a part that starts the log). */
  readonly originMs: number | undefined;
  readonly windowMs: number;
  readonly listLimit: number;
}

/** A part being read: the reader, the comparison, and the malformed rows met so far. */
export class LogPart {
  readonly reader: LogReader;
  readonly cmp: LogComparison;
  bad = 0;
  readonly problems: LogProblem[] = [];

  constructor(m: LogModel, o: LogPartOptions) {
    let cmp: LogComparison | null = null;
    this.reader = new LogReader(o.files, {
      ...(o.from === undefined ? {} : { from: o.from }),
      ...(o.to === undefined ? {} : { to: o.to }),
      onRow: (row) => cmp!.onRow(row),
      onProblem: (p) => {
        this.bad++;
        if (this.problems.length < PROBLEM_SAMPLES) this.problems.push(p);
      },
    });
    cmp = new LogComparison(m.model, m.epochs, this.reader, m.elsewhere, {
      originMs: o.originMs,
      windowMs: o.windowMs,
      listLimit: o.listLimit,
    });
    this.cmp = cmp;
  }
}

/** What a worker is asked to read. */
export interface LogPartTask extends LogPartOptions {
  readonly scenario: Scenario;
  /** The main thread's `EpochTable.epochs`. */
  readonly epochs: readonly Epoch[];
}

/** What a worker hands back. */
export interface LogPartResult {
  readonly bad: number;
  readonly problems: readonly LogProblem[];
  readonly part: ComparisonPart;
}

/** Read a task's part in one go (the worker's job), reporting progress in bytes. */
export function readLogPart(task: LogPartTask, onProgress?: (done: number) => void): LogPartResult {
  const model = new TopologyVersions(task.scenario);
  const epochs = new EpochTable(task.epochs, model.scopes.length);
  const part = new LogPart({ model, epochs, elsewhere: elsewhereIndex(model) }, task);
  while (!part.reader.step(32 << 20)) onProgress?.(part.reader.bytesDone);
  return { bad: part.bad, problems: part.problems, part: part.cmp.exportPart() };
}
