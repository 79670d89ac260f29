import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { MAX_SEEDS, parseSeeds } from '../../scale/seed-range.js';
import { isSweepFormat, renderSpread, SWEEP_FORMATS, type SweepFormat } from '../../scale/spread-render.js';
import { type SweepOptions, sweepScenario, sweepVariants } from '../../scale/sweep.js';
import { renderVariantSpread } from '../../scale/variant-spread-render.js';
import { loadVariants, type VariantsFile, variantRejections } from '../../scale/variants-file.js';
import { defaultThreads } from '../../scale/worker-pool.js';
import type { Scenario } from '../../scenario/scenario-model.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action, diagnosticsError, positiveInt } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface SweepCommandOptions {
  seeds?: string;
  vary?: string;
  requests?: string;
  workers?: string;
  format: string;
  quiet?: boolean;
}

async function sweep(file: string, opts: SweepCommandOptions): Promise<number> {
  if (!isSweepFormat(opts.format))
    throw new UserError([`--format: expected one of ${SWEEP_FORMATS.join(', ')}, got "${opts.format}"`]);
  if (opts.seeds === undefined && opts.vary === undefined)
    throw new UserError([
      'sweep: give --seeds (e.g. 1..50), --vary <variants file>, or both (each variant over every seed)',
    ]);
  const seeds = opts.seeds === undefined ? undefined : parseSeeds(opts.seeds);
  const requests = opts.requests === undefined ? undefined : positiveInt('--requests')(opts.requests);
  const workers = opts.workers === undefined ? defaultThreads() : positiveInt('--workers')(opts.workers);
  const scenario = loadChecked(file, { requests });
  const variants = opts.vary === undefined ? undefined : checkedVariants(opts.vary, scenario);
  const runs = (seeds?.length ?? 1) * (variants === undefined ? 1 : variants.variants.length + 1);
  if (runs > MAX_SEEDS)
    throw new UserError([
      `--seeds × --vary: ${runs} runs (${seeds?.length ?? 1} seeds × ${variants?.variants.length ?? 0} variants and the baseline); at most ${MAX_SEEDS} make one sweep`,
    ]);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  let bar: SingleBar | undefined;
  if (!opts.quiet && process.stderr.isTTY === true) {
    bar = new SingleBar({
      format: 'sweeping [{bar}] {value}/{total} runs',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(runs, 0);
  }
  let done = 0;
  try {
    const run: Omit<SweepOptions, 'seeds'> = {
      requests,
      workers,
      signal: abort.signal,
      onRun: (n) => {
        done = n;
        bar?.update(n);
      },
    };
    const out = await sweepOutput(file, scenario, seeds, variants, run, opts.format);
    bar?.stop();
    bar = undefined;
    process.stdout.write(out.text);
    return out.failed ? EXIT_CHECK_FAILED : EXIT_OK;
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    bar?.stop();
    bar = undefined;
    process.stderr.write(`interrupted after ${done} of ${runs} runs: no spread printed\n`);
    return 130;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

/** The variants file, each variant checked against the scenario: every rejection as `plan` reports it (exit 2). */
function checkedVariants(path: string, scenario: Scenario): VariantsFile {
  const loaded = loadVariants(path);
  if (!loaded.ok) throw diagnosticsError(loaded.diagnostics);
  const rejected = variantRejections(scenario, loaded.variants);
  if (rejected.length > 0) throw diagnosticsError(rejected);
  return loaded.variants;
}

/** Run the sweep (over seeds, or over variants and seeds) and render it; `failed`: an expectation failed in a run. */
async function sweepOutput(
  file: string,
  scenario: Scenario,
  seeds: readonly string[] | undefined,
  variants: VariantsFile | undefined,
  run: Omit<SweepOptions, 'seeds'>,
  format: SweepFormat,
): Promise<{ text: string; failed: boolean }> {
  const color = process.stdout.isTTY === true;
  if (variants === undefined) {
    const spread = await sweepScenario(file, scenario, { ...run, seeds: seeds ?? [] });
    const failed = spread.expectations !== null && spread.expectations.runsFailed > 0;
    return { text: renderSpread(spread, format, { color }), failed };
  }
  const spread = await sweepVariants(file, scenario, variants, seeds === undefined ? run : { ...run, seeds });
  const failed = spread.expectations !== null && spread.expectations.runsFailed > 0;
  return { text: renderVariantSpread(spread, format, { color }), failed };
}

/** `slbsim sweep` — the same scenario over many seeds, on worker threads: how uneven can it get? */
export function register(program: Command): void {
  program
    .command('sweep')
    .summary(
      'run a scenario once per seed (and per variant) on worker threads and print the spread of the shares',
    )
    .description(
      'Replay a scenario once per seed, each run on a worker thread, and print one table: per scope, ' +
        'epoch and backend the expected share and the min / median / max observed share over the runs, ' +
        'the median and worst TVD and the seed that gave the worst. Same seeds, same bytes, whatever --workers.\n\n' +
        'With --vary, the scenario as is (the baseline) and with each change of the variants file, each over ' +
        "every seed (the scenario's seed without --seeds): a table comparing the variants (worst TVD, max share " +
        'per backend, expectations), then the spread table of each.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--seeds <seeds>', 'seeds to run: a range 1..50, a list 1,2,5, or both (1..10,42)')
    .option(
      '--vary <file>',
      'variants file: a list of changes as plan --change takes them (change file paths, {name, change: path} or {name, events})',
    )
    .option('--requests <n>', "override the scenario's request count in every run")
    .option('--workers <n>', 'worker threads (default: the number of cores)')
    .option('--format <format>', `output format: ${SWEEP_FORMATS.join(', ')}`, 'table')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      proseHelp(`
A variant CLB would refuse stops the sweep before any run: every rejected call is printed as
file:line:col: CODE message with CLB's error code, as plan prints it, and the command exits 2.
Exit codes: 0 ok, 1 an expectation of the scenario failed in at least one run, 2 bad input, 130 interrupted.

Examples:
  $ slbsim sweep scenarios/seed-case.yaml --seeds 1..50
  $ slbsim sweep scenarios/sticky-few-clients.yaml --seeds 1..200 --workers 4 --format md
  $ slbsim sweep scenarios/weight-change.yaml --seeds 1,7,42 --requests 20000 --format json > spread.json
  $ slbsim sweep scenarios/seed-case.yaml --vary scenarios/variants/seed-case-weights.yaml
  $ slbsim sweep scenarios/seed-case.yaml --vary scenarios/variants/seed-case-weights.yaml --seeds 1..20 --format md`),
    )
    .action(action(sweep));
}
