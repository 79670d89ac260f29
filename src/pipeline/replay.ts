/**
 * The replay pipeline as a library call: scenario → engine → journal → sinks (report
 * projections, record writer, journal file) → report. The engine is synchronous and runs in
 * slices; between slices `onSlice` may report progress or ask to stop (Ctrl-C), without changing
 * the result. This module sits at the top of the data flow: it wires the parts, nothing below
 * imports it.
 */

import { type Progress, Simulation } from '../engine/simulation.js';
import type { JournalSink } from '../journal/journal-batch.js';
import { JournalFileWriter } from '../journal/journal-file.js';
import { openRecordWriter } from '../record/open.js';
import type { Report } from '../report/report-model.js';
import { createReportProjections, type ReportProjections } from '../report/report-projection.js';
import type { Scenario } from '../scenario/scenario-model.js';

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
  /** Events per slice (default 250 000). */
  readonly slice?: number;
  /** Called between slices; return true to stop (the report is then partial). */
  readonly onSlice?: (progress: Progress) => boolean | Promise<boolean>;
}

export interface ReplayResult {
  readonly report: Report;
  readonly interrupted: boolean;
  /** Where the record and journal files are (`<file>.partial` after an interrupted run). */
  readonly outputs: readonly string[];
}

/** Replay a loaded, checked scenario (see `loadScenario`, `checkScenario`). */
export async function replayScenario(scenario: Scenario, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const sim = new Simulation(scenario, {
    seed: opts.seed,
    requests: opts.requests,
    scenarioLabel: opts.label,
  });
  const { projections, sinks, close } = openSinks(opts);
  sim.journal$.subscribe({
    next: (batch) => {
      for (const s of sinks) s.onBatch(batch);
    },
    complete: () => {
      for (const s of sinks) s.onEnd?.();
    },
  });
  let interrupted = false;
  const slice = opts.slice ?? 250_000;
  while (!sim.run(slice)) {
    if (opts.onSlice && (await opts.onSlice(sim.progress))) {
      sim.interrupt();
      interrupted = true;
      break;
    }
  }
  const outputs = close();
  return { report: projections.build(), interrupted, outputs };
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
}

/**
 * The consumers of a run's journal — report projections, optional record writer and journal file
 * — shared by the replay and the live harness. A file that cannot be opened closes the others and
 * throws (FileError or the fs error).
 */
export function openSinks(opts: Pick<ReplayOptions, 'record' | 'journal' | 'sinks'>): JournalSinks {
  const projections = createReportProjections();
  const sinks: JournalSink[] = [projections.sink, ...(opts.sinks ?? [])];
  const closers: Array<() => string> = [];
  try {
    if (opts.record !== undefined) {
      const writer = openRecordWriter(opts.record);
      sinks.push(writer);
      closers.push(() => writer.close());
    }
    if (opts.journal !== undefined) {
      const writer = new JournalFileWriter(opts.journal);
      sinks.push(writer);
      closers.push(() => writer.close());
    }
  } catch (err) {
    for (const close of closers) close();
    throw err;
  }
  return { projections, sinks, close: () => closers.map((close) => close()) };
}
