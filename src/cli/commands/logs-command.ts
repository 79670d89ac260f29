/**
 * `slbsim logs <scenario> <access-log>…`: replay a real CLB layer-7 access log (SLS topic
 * `slb_layer7_access_log`, JSON lines or CSV) against the model: every row's group against the
 * model's route, and per group and time window the observed shares against the model's, with
 * CLB's own causes of uneven distribution tested. Exit 1 when a row's group disagrees or a share
 * is beyond --max-diff and what chance explains; 2 on bad input. docs/LOGS.md.
 */
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { checkAccessLog } from '../../logs/check-access-log.js';
import { parseLogTime } from '../../logs/log-fields.js';
import { LOGS_FORMATS, type LogsFormat, renderLogsReport } from '../../logs/logs-render.js';
import { parseDuration } from '../../util/duration.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action, positiveInt } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface LogsOptions {
  maxDiff: string;
  alpha: string;
  window: string;
  start?: string;
  cluster: string;
  list: string;
  skipBadRows?: boolean;
  format: LogsFormat;
  threads?: '1' | '2';
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('logs')
    .summary('hold a real CLB access log against the model')
    .description(
      'Replay a CLB layer-7 access log (SLS topic slb_layer7_access_log: JSON lines as SLS exports them, or CSV\n' +
        'with a header) against the scenario. Each row: slbid + slb_vport → listener, http_host (else host) +\n' +
        'request_uri → the model’s rule and group, upstream_addr → the backend that served it (through the ECS\n' +
        'PrivateIpAddress or the entry’s ServerIp). Reports the rows whose group disagrees with the model, every one\n' +
        'with its file and line, and per group and time window the observed shares against the model’s (χ², TVD,\n' +
        'max deviation), testing CLB’s causes of uneven distribution: few requests, stickiness with few clients,\n' +
        'health flapping, wlc, a cluster of many nodes (the model re-run in cluster mode on the same requests).\n' +
        'Exits 1 when a row’s group disagrees or a share differs by more than --max-diff beyond what chance at that\n' +
        'many requests explains, 0 otherwise, 2 on bad input (malformed rows are listed as file:line).',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON) describing the CLB that wrote the log')
    .argument('<access-log...>', 'access-log files (.jsonl/.json/.log: JSON lines; .csv: CSV with a header)')
    .option('--max-diff <share>', 'largest allowed absolute share difference (0–1)', '0.02')
    .option('--alpha <p>', 'significance level of the tests: p ≥ α means chance explains it', '0.001')
    .option('--window <duration>', 'time windows for the shares (clock-aligned; 0 = whole log only)', '1m')
    .option(
      '--start <time>',
      'log time of scenario time 0 (ISO 8601 or Unix seconds; default: the first row)',
    )
    .option('--cluster <NxM>', 'cluster shape of the re-run that tests the "many nodes" cause', '4x8')
    .option('--list <n>', 'disagreeing rows (per listener) and windows (per group) listed, at most', '1000')
    .option('--skip-bad-rows', 'compare the good rows when some are malformed (they are still counted)')
    .addOption(new Option('--format <format>', 'output format').choices(LOGS_FORMATS).default('table'))
    .addOption(
      new Option(
        '--threads <n>',
        'threads that read the log (default: 2 for 256 MiB or more of JSON lines on two or more cores, else 1; the report is the same)',
      ).choices(['1', '2']),
    )
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim logs scenarios/access-log-check.yaml scenarios/logs/access-log-check.jsonl
  $ slbsim logs scenarios/access-log-check.yaml scenarios/logs/access-log-check.csv --window 30s --format md
  $ slbsim logs my-clb.yaml export-part1.jsonl export-part2.jsonl --max-diff 0.05 --format json > check.json
  $ slbsim logs my-clb.yaml access.csv --start 2024-05-06T10:00:00+08:00 --cluster 8x16 --format html > check.html`),
    )
    .action(action(logsAction));
}

async function logsAction(file: string, logs: string[], opts: LogsOptions): Promise<number> {
  const maxDiff = Number(opts.maxDiff);
  if (opts.maxDiff.trim() === '' || !Number.isFinite(maxDiff) || maxDiff < 0 || maxDiff > 1)
    throw new UserError([`--max-diff: expected a share between 0 and 1, got "${opts.maxDiff}"`]);
  const alpha = Number(opts.alpha);
  if (opts.alpha.trim() === '' || !Number.isFinite(alpha) || alpha <= 0 || alpha >= 1)
    throw new UserError([`--alpha: expected a probability between 0 and 1 (exclusive), got "${opts.alpha}"`]);
  const windowUs = opts.window.trim() === '0' ? 0 : parseDuration(opts.window);
  if (windowUs === undefined || (windowUs > 0 && windowUs < 1000))
    throw new UserError([`--window: expected a duration such as 1m, 30s or 0, got "${opts.window}"`]);
  let originMs: number | undefined;
  if (opts.start !== undefined) {
    const b = Buffer.from(opts.start.trim());
    originMs = parseLogTime(b, 0, b.length);
    if (Number.isNaN(originMs))
      throw new UserError([
        `--start: expected an ISO 8601 time (2024-05-06T10:00:00+08:00) or Unix seconds, got "${opts.start}"`,
      ]);
  }
  const shape = /^(\d+)x(\d+)$/.exec(opts.cluster.trim());
  if (
    !shape ||
    Number(shape[1]) < 1 ||
    Number(shape[2]) < 1 ||
    Number(shape[1]) > 1024 ||
    Number(shape[2]) > 64
  )
    throw new UserError([
      `--cluster: expected <nodes>x<workers> such as 4x8 (at most 1024x64), got "${opts.cluster}"`,
    ]);
  const list = positiveInt('--list')(opts.list);
  const scenario = loadChecked(file, {});
  const progress = !opts.quiet && process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  const started = Date.now();
  try {
    const report = await checkAccessLog(scenario, logs, {
      maxDiff,
      alpha,
      windowMs: Math.round(windowUs / 1000),
      cluster: { nodes: Number(shape[1]), workers: Number(shape[2]) },
      list,
      originMs,
      skipBadRows: opts.skipBadRows === true,
      scenarioLabel: file,
      ...(opts.threads === undefined ? {} : { threads: opts.threads === '1' ? 1 : 2 }),
      onProgress: progress
        ? (done, total) => {
            if (bar === undefined && Date.now() - started < 500) return;
            if (bar === undefined) {
              bar = new SingleBar({
                format: 'reading [{bar}] {percentage}% | {value}/{total} MB',
                stream: process.stderr,
                hideCursor: true,
              });
              bar.start(Math.max(1, Math.round(total / 1e6)), 0);
            }
            bar.update(Math.round(done / 1e6));
          }
        : undefined,
    });
    bar?.stop();
    bar = undefined;
    process.stdout.write(
      renderLogsReport(report, opts.format, { color: pc.isColorSupported && process.stdout.isTTY === true }),
    );
    return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
  } finally {
    bar?.stop();
  }
}
