/**
 * The replay pipeline as a library call: scenario → engine → journal → sinks (report
 * projections, record writer, journal file) → report. The engine is synchronous and runs in
 * slices; between slices `onSlice` may report progress or ask to stop (Ctrl-C), without changing
 * the result. This module sits at the top of the data flow: it wires the parts, nothing below
 * imports it.
 *
 * A record or journal file whose write fails (a full disk) is an `OutputWriteError`: that file is
 * cut back to its last whole line or row group and fed no more, the run stops at the end of the
 * slice (the report is partial, as after Ctrl-C), the other files close normally as partial, and
 * the result lists the failure; nothing is thrown through the journal stream.
 */

import type { ArrivalFeed } from '../engine/arrival-feed.js';
import type { ShardOption } from '../engine/shard-cut.js';
import { type Progress, Simulation } from '../engine/simulation.js';
import type { JournalSink } from '../journal/journal-batch.js';
import { JournalFileWriter } from '../journal/journal-file.js';
import type { ColumnName } from '../journal/row-columns.js';
import { openRecordWriter } from '../record/open.js';
import type { Report } from '../report/report-model.js';
import {
  createReportProjections,
  REPORT_READS,
  type ReportProjections,
} from '../report/report-projection.js';
import type { ReportState } from '../report/report-state.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { OutputWriteError } from '../util/output-file.js';

export interface ReplayOptions {
  /** The scenario's name in the journal and report (e.g. its path as the user typed it). */
  readonly label?: string;
  readonly seed?: string;
  readonly requests?: number;
  /** Write one record per request (.jsonl, .csv, .parquet). */
  readonly record?: string;
  /** Write the journal as JSON Lines. */
  readonly journal?: string;
  /** Extra journal consumers. */
  readonly sinks?: readonly JournalSink[];
  /** Replay only this shard of the run (`--shard K/N`, docs/SCALE.md). */
  readonly shard?: ShardOption;
  /** With `shard`: its arrivals, drawn by other threads (engine/draw-board.ts). */
  readonly feed?: ArrivalFeed;
  /** Events per slice (default 250 000). */
  readonly slice?: number;
  /** Called between slices; return true to stop (the report is then partial). */
  readonly onSlice?: (progress: Progress) => boolean | Promise<boolean>;
}

export interface ReplayResult {
  readonly report: Report;
  /** The report projections' state: what a shard contributes to a merge (report-state.ts). */
  readonly state: ReportState;
  readonly interrupted: boolean;
  /** Where the record and journal files are (`<file>.partial` after an interrupted run). */
  readonly outputs: readonly string[];
  /** Output files whose write failed (each cut back to its last whole line or row group). */
  readonly failures: readonly OutputWriteError[];
}

/** Replay a loaded, checked scenario (see `loadScenario`, `checkScenario`). */
export async function replayScenario(scenario: Scenario, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const sim = new Simulation(scenario, {
    seed: opts.seed,
    requests: opts.requests,
    scenarioLabel: opts.label,
    shard: opts.shard,
    feed: opts.feed,
    routedColumns: columnsRead(opts),
  });
  const { projections, sinks, close, failures } = openSinks(opts);
  let streamError: unknown;
  sim.journal$.subscribe({
    next: (batch) => {
      try {
        for (const s of sinks) s.onBatch(batch);
      } catch (err) {
        streamError ??= err;
      }
    },
    complete: () => {
      try {
        for (const s of sinks) s.onEnd?.();
      } catch (err) {
        streamError ??= err;
      }
    },
  });
  let interrupted = false;
  const slice = opts.slice ?? 250_000;
  try {
    while (!sim.run(slice)) {
      if (streamError !== undefined) throw streamError;
      if (failures.length > 0 || (opts.onSlice && (await opts.onSlice(sim.progress)))) {
        sim.interrupt();
        interrupted = true;
        break;
      }
    }
    if (streamError !== undefined) throw streamError;
  } finally {
    if (streamError !== undefined) close();
  }
  const outputs = close();
  const report = projections.build();
  const state = projections.state();
  // A file that lost rows makes the run's output partial, even when the engine reached the end.
  if (failures.length > 0)
    return { report: { ...report, partial: true }, state, interrupted: true, outputs, failures };
  return { report, state, interrupted, outputs, failures };
}

/** The columns the sinks `openSinks` opens for `opts` read (undefined: all, a record or journal file among them). */
function columnsRead(
  opts: Pick<ReplayOptions, 'record' | 'journal' | 'sinks'>,
): readonly ColumnName[] | undefined {
  if (opts.record !== undefined || opts.journal !== undefined) return undefined;
  const reads = [...REPORT_READS];
  for (const s of opts.sinks ?? []) {
    if (s.reads === undefined) return undefined;
    reads.push(...s.reads);
  }
  return reads;
}

/** Replay a scenario and return its report. */
export async function simulateScenario(scenario: Scenario, opts: ReplayOptions = {}): Promise<Report> {
  return (await replayScenario(scenario, opts)).report;
}

export interface JournalSinks {
  readonly projections: ReportProjections;
  /** The report projections first, then the extra sinks, the record writer, the journal file. */
  readonly sinks: readonly JournalSink[];
  /** Close the files; returns where they are (`<file>.partial` after an interrupted run). */
  close(): string[];
  /** Files whose write failed so far (they are fed no more; see OutputWriteError). */
  readonly failures: readonly OutputWriteError[];
}

/** A sink that stops at its first OutputWriteError, which it records instead of throwing. */
function guarded(sink: JournalSink, failures: OutputWriteError[]): JournalSink {
  let failed = false;
  const attempt = (f: () => void) => {
    if (failed) return;
    try {
      f();
    } catch (err) {
      if (!(err instanceof OutputWriteError)) throw err;
      failed = true;
      failures.push(err);
    }
  };
  return {
    onBatch: (batch) => attempt(() => sink.onBatch(batch)),
    onEnd: () => attempt(() => sink.onEnd?.()),
  };
}

/**
 * The consumers of a run's journal — report projections, optional record writer and journal file
 * — shared by the replay and the live harness. A file that cannot be opened closes the others and
 * throws (FileError or the fs error). A file whose write fails later is recorded in `failures`
 * and fed no more; `close()` closes every file and records a failure of the last write too.
 */
export function openSinks(opts: Pick<ReplayOptions, 'record' | 'journal' | 'sinks'>): JournalSinks {
  const projections = createReportProjections();
  const failures: OutputWriteError[] = [];
  const sinks: JournalSink[] = [projections.sink, ...(opts.sinks ?? [])];
  const closers: Array<() => string> = [];
  const closer = (close: () => string, where: () => string) => () => {
    try {
      return close();
    } catch (err) {
      if (!(err instanceof OutputWriteError)) throw err;
      if (!failures.includes(err)) failures.push(err);
      return where();
    }
  };
  try {
    if (opts.record !== undefined) {
      const writer = openRecordWriter(opts.record);
      sinks.push(guarded(writer, failures));
      closers.push(
        closer(
          () => writer.close(),
          () => writer.location,
        ),
      );
    }
    if (opts.journal !== undefined) {
      const writer = new JournalFileWriter(opts.journal);
      sinks.push(guarded(writer, failures));
      closers.push(
        closer(
          () => writer.close(),
          () => writer.location,
        ),
      );
    }
  } catch (err) {
    for (const close of closers) close();
    throw err;
  }
  let closed: string[] | undefined;
  return {
    projections,
    sinks,
    failures,
    close: () => {
      closed ??= closers.map((close) => close());
      return closed;
    },
  };
}
