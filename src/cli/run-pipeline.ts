/**
 * The `run` pipeline: scenario → checked events → engine → journal → sinks (report projections,
 * record writer, journal file) → rendered report. Runs the synchronous engine in slices so the
 * progress bar can tick and Ctrl-C can stop it cleanly: every record and journal line whole, the
 * report marked partial.
 */
import { SingleBar } from 'cli-progress';
import type { Progress } from '../engine/simulation.js';
import type { JournalSink } from '../journal/journal-batch.js';
import { replayScenario } from '../pipeline/replay.js';
import { recordFormatOf } from '../record/open.js';
import {
  isReportFormat,
  REPORT_FORMATS,
  renderReport,
  writeReportFiles,
} from '../report/render/render-report.js';
import type { Report } from '../report/report-model.js';
import { checkScenario } from '../scenario/check.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { EXIT_CHECK_FAILED, EXIT_OK, FileError, UserError } from '../util/user-error.js';
import { diagnosticsError, positiveInt } from './command-action.js';

export interface ReplayOptions {
  seed?: string;
  urlMatching?: string;
  requests?: string;
  record?: string;
  journal?: string;
  format: string;
  out?: string;
  quiet?: boolean;
}

export async function replay(file: string, opts: ReplayOptions): Promise<number> {
  if (!isReportFormat(opts.format))
    throw new UserError([`--format: expected one of ${REPORT_FORMATS.join(', ')}, got "${opts.format}"`]);
  const requests = opts.requests === undefined ? undefined : positiveInt('--requests')(opts.requests);
  if (opts.record !== undefined) {
    try {
      recordFormatOf(opts.record);
    } catch (err) {
      if (err instanceof FileError) throw new UserError([`--record: ${err.message}`]);
      throw err;
    }
  }
  const scenario = withUrlMatching(loadChecked(file, { seed: opts.seed, requests }), opts.urlMatching);
  const { report, interrupted } = await simulate(scenario, {
    label: file,
    seed: opts.seed,
    requests,
    record: opts.record,
    journal: opts.journal,
    progress: !opts.quiet && process.stderr.isTTY === true,
  });
  process.stdout.write(renderReport(report, opts.format, { color: process.stdout.isTTY === true }));
  if (opts.out !== undefined) {
    for (const path of writeReportFiles(report, opts.out)) process.stderr.write(`wrote ${path}\n`);
  }
  if (interrupted) {
    process.stderr.write('interrupted: the report above is partial\n');
    return 130;
  }
  return report.expectations !== null && report.expectations.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** Load a scenario and check every event folds; any problem → UserError (exit 2). */
export function loadChecked(file: string, overrides: { seed?: string; requests?: number }): Scenario {
  const loaded = loadScenario(file, overrides);
  if (!loaded.ok) throw diagnosticsError(loaded.diagnostics);
  const problems = checkScenario(loaded.scenario);
  if (problems.length > 0) throw diagnosticsError(problems);
  return loaded.scenario;
}

/** `--url-matching normalized|raw` over the scenario's `simulation.urlMatching`. */
export function withUrlMatching(scenario: Scenario, value: string | undefined): Scenario {
  if (value === undefined) return scenario;
  if (value !== 'normalized' && value !== 'raw')
    throw new UserError([`--url-matching: expected one of normalized, raw, got "${value}"`]);
  return { ...scenario, simulation: { ...scenario.simulation, urlMatching: value } };
}

export interface SimulateOptions {
  /** The scenario's name in the journal and report (the path as the user typed it). */
  label?: string;
  seed?: string;
  requests?: number;
  record?: string;
  journal?: string;
  progress?: boolean;
  /** Extra journal consumers. */
  sinks?: readonly JournalSink[];
}

/** Run a checked scenario to the end (or Ctrl-C) and build its report. */
export async function simulate(
  scenario: Scenario,
  opts: SimulateOptions,
): Promise<{ report: Report; interrupted: boolean }> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const started = Date.now();
  let bar: SingleBar | undefined;
  try {
    const result = await openOutputs(opts, () =>
      replayScenario(scenario, {
        label: opts.label,
        seed: opts.seed,
        requests: opts.requests,
        record: opts.record,
        journal: opts.journal,
        sinks: opts.sinks,
        onSlice: async (progress) => {
          if (opts.progress) bar = tick(bar, progress, started);
          await new Promise<void>((resolve) => setImmediate(resolve));
          return interrupted;
        },
      }),
    );
    if (result.interrupted)
      for (const where of result.outputs) process.stderr.write(`partial output kept in ${where}\n`);
    return { report: result.report, interrupted: result.interrupted };
  } finally {
    process.off('SIGINT', onSigint);
    bar?.stop();
  }
}

function tick(bar: SingleBar | undefined, p: Progress, started: number): SingleBar | undefined {
  if (bar === undefined && Date.now() - started < 1000) return undefined;
  const total = Math.max(p.expected, p.requests, 1);
  if (bar === undefined) {
    bar = new SingleBar({
      format: 'replaying [{bar}] {percentage}% | {value}/{total} requests | simulated {sim}',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, p.requests, { sim: '0s' });
  }
  bar.setTotal(total);
  bar.update(p.requests, { sim: `${(p.now / 1_000_000).toFixed(1)}s` });
  return bar;
}

/** Output files that cannot be written are a user mistake (exit 2), not a crash. */
async function openOutputs<T>(opts: SimulateOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw outputFileError(err, opts);
  }
}

/**
 * The error to report when opening `--record` / `--journal` failed: a UserError naming the option
 * for a FileError or a file-system error, the error itself otherwise.
 */
export function outputFileError(err: unknown, opts: { journal?: string }): unknown {
  const e = err as NodeJS.ErrnoException & { file?: string };
  const path = err instanceof FileError ? e.file : e?.path;
  if (!(err instanceof FileError) && (typeof e?.code !== 'string' || typeof path !== 'string')) return err;
  const option = opts.journal !== undefined && path?.startsWith(opts.journal) ? '--journal' : '--record';
  return new UserError([
    err instanceof FileError ? `${option}: ${e.message}` : `${option}: cannot write ${path} (${e.code})`,
  ]);
}
