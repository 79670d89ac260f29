import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parseSeeds } from '../../scale/seed-range.js';
import { isSweepFormat, renderSpread, SWEEP_FORMATS } from '../../scale/spread-render.js';
import { defaultWorkers, sweepScenario } from '../../scale/sweep.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action, positiveInt } from '../command-action.js';
import { loadChecked } from '../run-pipeline.js';

interface SweepCommandOptions {
  seeds: string;
  requests?: string;
  workers?: string;
  format: string;
  quiet?: boolean;
}

async function sweep(file: string, opts: SweepCommandOptions): Promise<number> {
  if (!isSweepFormat(opts.format))
    throw new UserError([`--format: expected one of ${SWEEP_FORMATS.join(', ')}, got "${opts.format}"`]);
  const seeds = parseSeeds(opts.seeds);
  const requests = opts.requests === undefined ? undefined : positiveInt('--requests')(opts.requests);
  const workers = opts.workers === undefined ? defaultWorkers() : positiveInt('--workers')(opts.workers);
  const scenario = loadChecked(file, { requests });
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
    bar.start(seeds.length, 0);
  }
  let done = 0;
  try {
    const spread = await sweepScenario(file, scenario, {
      seeds,
      requests,
      workers,
      signal: abort.signal,
      onRun: (n) => {
        done = n;
        bar?.update(n);
      },
    });
    bar?.stop();
    bar = undefined;
    process.stdout.write(renderSpread(spread, opts.format, { color: process.stdout.isTTY === true }));
    return spread.expectations !== null && spread.expectations.runsFailed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    bar?.stop();
    bar = undefined;
    process.stderr.write(`interrupted after ${done} of ${seeds.length} runs: no spread printed\n`);
    return 130;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

/** `slbsim sweep` — the same scenario over many seeds, on worker threads: how uneven can it get? */
export function register(program: Command): void {
  program
    .command('sweep')
    .summary('run a scenario once per seed on worker threads and print the spread of the shares')
    .description(
      'Replay a scenario once per seed, each run on a worker thread, and print one table: per scope, ' +
        'epoch and backend the expected share and the min / median / max observed share over the runs, ' +
        'the median and worst TVD and the seed that gave the worst. Same seeds, same bytes, whatever --workers.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--seeds <seeds>', 'seeds to run: a range 1..50, a list 1,2,5, or both (1..10,42)')
    .option('--requests <n>', "override the scenario's request count in every run")
    .option('--workers <n>', 'worker threads (default: the number of cores)')
    .option('--format <format>', `output format: ${SWEEP_FORMATS.join(', ')}`, 'table')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 an expectation of the scenario failed in at least one run, 2 bad input, 130 interrupted.

Examples:
  $ slbsim sweep scenarios/seed-case.yaml --seeds 1..50
  $ slbsim sweep scenarios/sticky-few-clients.yaml --seeds 1..200 --workers 4 --format md
  $ slbsim sweep scenarios/weight-change.yaml --seeds 1,7,42 --requests 20000 --format json > spread.json`,
    )
    .action(action(sweep));
}
