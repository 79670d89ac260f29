/**
 * The `run` pipeline: scenario → checked events → engine → journal → sinks (report projections,
 * record writer, journal file) → rendered report. Runs the synchronous engine in slices so the
 * progress bar can tick and Ctrl-C (SIGINT) or SIGTERM can stop it cleanly: every record and
 * journal line whole, the report marked partial, exit code 130 or 143.
 *
 * Output faults lose nothing and never print a stack: the output paths are checked before any
 * work (checkOutputPaths); a record or journal file that cannot be written (a full disk) stops
 * the run, is cut back to its last whole line or row group, and the command prints the (partial)
 * report, one line per failed file and exits with code 2.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { arrivalSource } from '../engine/run-start.js';
import type { ShardOption } from '../engine/shard-cut.js';
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
import { replayOnWorkers } from '../scale/shard-pool.js';
import { defaultThreads } from '../scale/worker-pool.js';
import { checkScenario } from '../scenario/check.js';
import { loadScenario } from '../scenario/load.js';
import { MAX_REQUESTS } from '../scenario/scenario-compiler.js';
import type { Scenario } from '../scenario/scenario-model.js';
import type { OutputWriteError } from '../util/output-file.js';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, FileError, UserError } from '../util/user-error.js';
import {
  diagnosticsError,
  EXIT_SIGINT,
  EXIT_SIGTERM,
  positiveInt,
  seedOption,
  systemErrorLine,
} from './command-action.js';
import { checkOutputPaths } from './output-paths.js';

export interface ReplayOptions {
  seed?: string;
  urlMatching?: string;
  requests?: string;
  record?: string;
  journal?: string;
  format: string;
  out?: string;
  quiet?: boolean;
  /** `K/N`: replay only shard K of N (0-based), for `slbsim merge`. */
  shard?: string;
  /** Worker threads (each a shard, merged in-process). */
  workers?: string;
}

/**
 * Below this many expected requests `--workers` defaults to 1. Measured on 2 cores (BENCHMARKS.md):
 * two threads by default took 1.27 s against 1.42 s for one at 10 M requests, 0.97 against 0.93 s
 * at 5 M.
 */
export const WORKERS_MIN_REQUESTS = 10_000_000;

/** The threads a run uses when `--workers` is not given: the cores for a long run that writes no per-run file, else 1. */
export function defaultRunWorkers(expectedRequests: number, writesRunFiles: boolean): number {
  return !writesRunFiles && expectedRequests >= WORKERS_MIN_REQUESTS ? defaultThreads() : 1;
}
/** The most shards a run is cut into. */
export const MAX_SHARDS = 4096;

export async function replay(file: string, opts: ReplayOptions): Promise<number> {
  if (!isReportFormat(opts.format))
    throw new UserError([`--format: expected one of ${REPORT_FORMATS.join(', ')}, got "${opts.format}"`]);
  const seed = seedOption(opts.seed);
  const requests =
    opts.requests === undefined ? undefined : positiveInt('--requests', MAX_REQUESTS)(opts.requests);
  if (opts.record !== undefined) {
    try {
      recordFormatOf(opts.record);
    } catch (err) {
      if (err instanceof FileError) throw new UserError([`--record: ${err.message}`]);
      throw err;
    }
  }
  const shard = opts.shard === undefined ? undefined : shardOption(opts.shard);
  const explicitWorkers =
    opts.workers === undefined ? undefined : positiveInt('--workers', 1024)(opts.workers);
  if (explicitWorkers !== undefined && explicitWorkers > 1) {
    const single =
      shard !== undefined
        ? '--shard'
        : opts.record !== undefined
          ? '--record'
          : opts.journal !== undefined
            ? '--journal'
            : undefined;
    if (single !== undefined)
      throw new UserError([
        `--workers ${explicitWorkers}: ${single} writes one shard's or one run's files; run the shards yourself (--shard K/N, each with its own files) and fold them with slbsim merge`,
      ]);
  }
  checkOutputPaths({ ...opts, inputs: [['the scenario file', file]] });
  const scenario = withUrlMatching(loadChecked(file, { seed, requests }), opts.urlMatching);
  checkOutputPaths({ ...opts, inputs: [['the trace file', scenario.traffic?.trace?.file]] });
  const workers =
    explicitWorkers ??
    defaultRunWorkers(
      arrivalSource(scenario, seed ?? scenario.seed, requests ?? scenario.traffic?.requests).expected,
      shard !== undefined || opts.record !== undefined || opts.journal !== undefined,
    );
  const { report, interrupted, signal, failures } =
    workers > 1
      ? await simulateOnWorkers(scenario, {
          label: file,
          seed,
          requests,
          workers,
          fed: scenario.traffic?.trace === undefined,
        })
      : await simulate(scenario, {
          label: file,
          seed,
          requests,
          record: opts.record,
          journal: opts.journal,
          progress: !opts.quiet && process.stderr.isTTY === true,
          shard,
        });
  process.stdout.write(renderReport(report, opts.format, { color: process.stdout.isTTY === true }));
  let outFailed = false;
  if (opts.out !== undefined) {
    try {
      for (const path of writeReportFiles(report, opts.out)) process.stderr.write(`wrote ${path}\n`);
    } catch (err) {
      if (!isErrno(err)) throw err;
      process.stderr.write(`${outFailureLine(err, opts.out)}\n`);
      outFailed = true;
    }
  }
  if (failures.length > 0) {
    for (const f of failures)
      process.stderr.write(`${optionOf(f.file, opts)}: ${f.message}; the report above is partial\n`);
    return EXIT_USAGE;
  }
  if (outFailed) return EXIT_USAGE;
  if (interrupted) {
    process.stderr.write(
      `interrupted${signal === 'SIGTERM' ? ' (SIGTERM)' : ''}: the report above is partial\n`,
    );
    return signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT;
  }
  return report.expectations !== null && report.expectations.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** `--out: cannot write <file>: ENOSPC (…)`, naming the report file left `.partial`. */
function outFailureLine(err: NodeJS.ErrnoException, dir: string): string {
  const torn = ['report.json', 'report.md', 'report.html']
    .map((name) => join(dir, `${name}.partial`))
    .find((path) => existsSync(path));
  const line = systemErrorLine(err, err.path ?? torn);
  return `--out: ${line.replace(/^slbsim: /, '')}`;
}

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return typeof (err as NodeJS.ErrnoException | undefined)?.code === 'string';
}

/** The option that named a file (`--journal` or `--record`). */
function optionOf(path: string, opts: { journal?: string }): string {
  return opts.journal !== undefined && path.startsWith(opts.journal) ? '--journal' : '--record';
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
  /** Engine events per slice (default 50 000). */
  slice?: number;
  /** Replay only this shard of the run. */
  shard?: ShardOption;
}

export interface SimulateResult {
  readonly report: Report;
  readonly interrupted: boolean;
  /** The signal that stopped the run, when one did. */
  readonly signal?: 'SIGINT' | 'SIGTERM';
  /** Output files whose write failed (cut back to their last whole line or row group). */
  readonly failures: readonly OutputWriteError[];
}

/** Engine events between two looks at the signals and the progress bar (the result is the same). */
const CLI_SLICE = 50_000;

/** Run a checked scenario to the end (or Ctrl-C / SIGTERM) and build its report. */
export async function simulate(scenario: Scenario, opts: SimulateOptions): Promise<SimulateResult> {
  const signals = watchSignals();
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
        shard: opts.shard,
        slice: opts.slice ?? CLI_SLICE,
        onSlice: async (progress) => {
          if (opts.progress) bar = tick(bar, progress, started);
          await new Promise<void>((resolve) => setImmediate(resolve));
          return signals.signal !== undefined;
        },
      }),
    );
    bar?.stop();
    bar = undefined;
    if (result.interrupted)
      // A file that failed is named by its failure line.
      for (const where of result.outputs)
        if (!result.failures.some((f) => f.file === where))
          process.stderr.write(`partial output kept in ${where}\n`);
    return {
      report: result.report,
      interrupted: result.interrupted,
      ...(signals.signal === undefined ? {} : { signal: signals.signal }),
      failures: result.failures,
    };
  } finally {
    signals.dispose();
    bar?.stop();
  }
}

function tick(bar: SingleBar | undefined, p: Progress, started: number): SingleBar | undefined {
  if (bar === undefined && Date.now() - started < 1000) return undefined;
  const total = Math.max(p.expected, p.requests, 1);
  if (bar === undefined) {
    bar = new SingleBar({
      format:
        'replaying [{bar}] {percentage}% | {value}/{total} requests | simulated {sim} | ETA {eta_formatted}',
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

/** `--shard K/N` (0 ≤ K < N): which shard of the run to replay. */
export function shardOption(value: string): ShardOption {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index >= count)
    throw new UserError([
      `--shard: expected K/N with 0 ≤ K < N ≤ ${MAX_SHARDS} (shard K of N, counted from 0, e.g. 0/4), got "${value}"`,
    ]);
  return { index, count };
}

/** The run as `workers` shards on worker threads, merged; Ctrl-C / SIGTERM stop every shard. */
async function simulateOnWorkers(
  scenario: Scenario,
  opts: {
    label: string;
    seed?: string;
    requests?: number;
    workers: number;
    /** Arrivals drawn once and fed to the shards (a synthetic run), or each shard reads the trace. */
    fed: boolean;
  },
): Promise<SimulateResult> {
  const signals = watchSignals();
  try {
    const { report, interrupted } = await replayOnWorkers({
      scenario,
      ...opts,
      stopped: () => signals.signal !== undefined,
    });
    return { report, interrupted, ...(signals.signal ? { signal: signals.signal } : {}), failures: [] };
  } finally {
    signals.dispose();
  }
}

/** The first of SIGINT / SIGTERM the process gets until `dispose` (a run stops at its next slice). */
function watchSignals(): { readonly signal: 'SIGINT' | 'SIGTERM' | undefined; dispose(): void } {
  const watch = {
    signal: undefined as 'SIGINT' | 'SIGTERM' | undefined,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
  const onSigint = () => {
    watch.signal ??= 'SIGINT';
  };
  const onSigterm = () => {
    watch.signal ??= 'SIGTERM';
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return watch;
}
