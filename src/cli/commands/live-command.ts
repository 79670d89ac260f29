/** `slbsim live` — the scenario on real sockets on 127.0.0.1, cross-checked with the simulation. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatAddressMap } from '../../live/address-map.js';
import { crossCheck } from '../../live/cross-check.js';
import { BackendFleet } from '../../live/live-backends.js';
import { liveSection, renderLiveReport } from '../../live/live-report.js';
import { LiveRun, type LiveRunResult } from '../../live/live-run.js';
import { PortInUseError } from '../../live/proxy.js';
import { LiveSetupError, topologySpan } from '../../live/topology-span.js';
import { type JournalSinks, openSinks } from '../../pipeline/replay.js';
import { recordFormatOf } from '../../record/open.js';
import { distributionFromReport } from '../../report/distribution-compare.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from '../../report/render/render-report.js';
import { parseDuration } from '../../util/duration.js';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, FileError, UserError } from '../../util/user-error.js';
import { action, EXIT_SIGINT, EXIT_SIGTERM, positiveInt, seedOption } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { checkOutputPaths } from '../output-paths.js';
import { loadChecked, outputFileError } from '../run-pipeline.js';

interface LiveCliOptions {
  connections: string;
  duration?: string;
  amount?: string;
  rate?: string;
  timeScale: string;
  listenPortOffset?: string;
  seed?: string;
  format: string;
  out?: string;
  record?: string;
  journal?: string;
  maxDiff: string;
  crossCheck: boolean;
  backendsOnly?: boolean;
  mapOut?: string;
}

export function register(program: Command): void {
  program
    .command('live')
    .summary(
      'run the scenario on real sockets (loopback backends, proxies, autocannon) and cross-check the model',
    )
    .description(
      "Run the scenario on real sockets on 127.0.0.1: one HTTP backend per (ECS, port) answering with X-Backend, one proxy per HTTP listener routing with the simulation's own balancer (rules, schedulers, stickiness), real health checks, the timeline in wall-clock time, load from autocannon. Reports the same weight-fidelity and rule-match report as `run`, plus latency, throughput, exact accounting, backend-side vs client-side counts, and a cross-check against the simulation of the same requests.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option(
      '--connections <n>',
      'concurrent autocannon connections (1 with exact mode reproduces the sequence)',
      '10',
    )
    .option('--duration <d>', 'send for this long (e.g. 30s)')
    .option('--amount <n>', 'send exactly this many requests')
    .option(
      '--rate <r>',
      'requests per second (with --amount or --duration; autocannon sends per-second bursts)',
    )
    .option(
      '--time-scale <k>',
      'scenario seconds per wall-clock second (timeline, health checks, service times)',
      '1',
    )
    .option('--listen-port-offset <n>', 'proxies listen on ListenerPort + n instead of ephemeral ports')
    .option('--seed <seed>', "override the scenario's seed")
    .option('--format <format>', 'report format on stdout: table, json, md, html', 'table')
    .option('--out <dir>', 'also write report.json, report.md and report.html into <dir>')
    .option('--record <file>', 'write one row per request: .jsonl, .csv or .parquet')
    .option('--journal <file>', "write the run's journal as JSON Lines")
    .option(
      '--max-diff <x>',
      'cross-check: fail when a backend share differs from the simulation by more than x',
      '0.01',
    )
    .option('--no-cross-check', 'skip the cross-check simulation')
    .option(
      '--backends-only',
      'start only the backends, print their address map, stay up until Ctrl-C or --duration',
    )
    .option(
      '--map-out <file>',
      'with --backends-only: write the address map here (for `export nginx --backends`)',
    )
    .addHelpText(
      'after',
      proseHelp(`
Without --amount or --duration the scenario's phases drive the load (per-second counts follow them;
within a second autocannon sends a burst), or its request count.

Exit codes: 0 ok, 1 the cross-check or an expectation failed, or the backend-side and client-side counts
disagree with nothing in flight, 2 bad input (e.g. a port already in use), 130 interrupted (partial report).

Examples:
  $ slbsim live scenarios/seed-case.yaml --amount 20000 --connections 1
  $ slbsim live scenarios/backend-failure.yaml --time-scale 5 --out reports/live-failure
  $ slbsim live scenarios/seed-case.yaml --duration 10s --rate 2000 --format json > live.json
  $ slbsim live scenarios/seed-case.yaml --backends-only --map-out map.json`),
    )
    .action(action(liveCommand));
}

async function liveCommand(file: string, opts: LiveCliOptions): Promise<number> {
  if (!isReportFormat(opts.format))
    throw new UserError([`--format: expected one of ${REPORT_FORMATS.join(', ')}, got "${opts.format}"`]);
  const format: ReportFormat = opts.format;
  const connections = positiveInt('--connections')(opts.connections);
  const amount = opts.amount === undefined ? undefined : positiveInt('--amount')(opts.amount);
  const rate = opts.rate === undefined ? undefined : positiveInt('--rate')(opts.rate);
  let durationS: number | undefined;
  if (opts.duration !== undefined) {
    const us = parseDuration(opts.duration);
    if (us === undefined || us <= 0)
      throw new UserError([`--duration: expected a duration such as 30s or 2m, got "${opts.duration}"`]);
    durationS = us / 1_000_000;
  }
  if (amount !== undefined && durationS !== undefined)
    throw new UserError(['give either --amount or --duration, not both']);
  const timeScale = Number(opts.timeScale);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new UserError([`--time-scale: expected a number > 0, got "${opts.timeScale}"`]);
  let listenPortOffset: number | undefined;
  if (opts.listenPortOffset !== undefined) {
    listenPortOffset = Number(opts.listenPortOffset);
    if (!Number.isInteger(listenPortOffset) || listenPortOffset < 0 || listenPortOffset > 65534)
      throw new UserError([
        `--listen-port-offset: expected an integer 0–65534, got "${opts.listenPortOffset}"`,
      ]);
  }
  const maxDiff = Number(opts.maxDiff);
  if (!(maxDiff >= 0 && maxDiff <= 1))
    throw new UserError([`--max-diff: expected a number in 0–1, got "${opts.maxDiff}"`]);
  if (opts.mapOut !== undefined && !opts.backendsOnly)
    throw new UserError(['--map-out needs --backends-only']);
  if (opts.record !== undefined) {
    try {
      recordFormatOf(opts.record);
    } catch (err) {
      if (err instanceof FileError) throw new UserError([`--record: ${err.message}`]);
      throw err;
    }
  }
  const seed = seedOption(opts.seed);
  checkOutputPaths({ ...opts, inputs: [['the scenario file', file]] });
  const scenario = loadChecked(file, { seed });
  checkOutputPaths({ ...opts, inputs: [['the trace file', scenario.traffic?.trace?.file]] });
  if (opts.backendsOnly) return backendsOnly(scenario, seed ?? scenario.seed, durationS, opts.mapOut);

  let opened: JournalSinks;
  try {
    opened = openSinks({ record: opts.record, journal: opts.journal });
  } catch (err) {
    throw outputFileError(err, opts);
  }
  const { projections, sinks, close } = opened;
  let run: LiveRun;
  try {
    run = await LiveRun.start({
      // Reports name the scenario as the user typed its path (as `run` does).
      scenario: { ...scenario, file },
      seed,
      connections,
      amount,
      durationS,
      rate,
      timeScale,
      listenPortOffset,
      sinks,
    });
  } catch (err) {
    close();
    throw setupError(err);
  }
  for (const [key, url] of run.urls) process.stderr.write(`${key} → ${url}\n`);
  let interrupts = 0;
  let signal = 'SIGINT' as 'SIGINT' | 'SIGTERM';
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    interrupts++;
    if (interrupts === 1) {
      signal = name;
      process.stderr.write('\ninterrupted: stopping the load and every server, writing a partial report…\n');
      run.interrupt();
    } else process.exit(name === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT);
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  let result: LiveRunResult;
  try {
    result = await run.run();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    for (const where of close())
      if (interrupts > 0) process.stderr.write(`partial output kept in ${where}\n`);
  }
  const report = projections.build();
  const cross =
    opts.crossCheck && result.traceRows > 0
      ? crossCheck(scenario, result.tracePath, result.seed, distributionFromReport(report), maxDiff)
      : null;
  const section = liveSection(result, cross, report);
  process.stdout.write(renderLiveReport(report, section, format, process.stdout.isTTY === true));
  if (opts.out !== undefined) {
    for (const [name, f] of [
      ['report.json', 'json'],
      ['report.md', 'md'],
      ['report.html', 'html'],
    ] as const) {
      const path = join(opts.out, name);
      try {
        writeFileAtomically(opts.out, path, renderLiveReport(report, section, f));
      } catch (err) {
        throw new UserError([`--out: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? err})`]);
      }
      process.stderr.write(`wrote ${path}\n`);
    }
  }
  if (opened.failures.length > 0) {
    for (const f of opened.failures)
      process.stderr.write(
        `${opts.journal !== undefined && f.file.startsWith(opts.journal) ? '--journal' : '--record'}: ${f.message}\n`,
      );
    return EXIT_USAGE;
  }
  if (result.partial) return signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT;
  const a = section.accounting;
  const unexplained = !section.countsAgree && a.inFlight + a.lost + a.failed === 0;
  const expectationsFailed = report.expectations !== null && report.expectations.failed > 0;
  return (cross !== null && !cross.compare.passed) || expectationsFailed || unexplained
    ? EXIT_CHECK_FAILED
    : EXIT_OK;
}

/** Start just the backends and keep them up until Ctrl-C (or the duration). */
async function backendsOnly(
  scenario: Parameters<typeof topologySpan>[0],
  seed: string,
  durationS: number | undefined,
  mapOut: string | undefined,
): Promise<number> {
  let span: ReturnType<typeof topologySpan>;
  try {
    span = topologySpan(scenario);
  } catch (err) {
    throw setupError(err);
  }
  const fleet = await BackendFleet.start(span.backends, {
    service: scenario.traffic?.service,
    seed,
    lifetimeMs: durationS === undefined ? 24 * 3_600_000 : durationS * 1000,
  });
  const text = formatAddressMap(fleet.addressMap());
  if (mapOut === undefined) process.stdout.write(text);
  else {
    try {
      writeFileSync(mapOut, text);
    } catch (err) {
      await fleet.close();
      throw new UserError([
        `--map-out: cannot write ${mapOut} (${(err as NodeJS.ErrnoException).code ?? err})`,
      ]);
    }
    process.stderr.write(`wrote ${mapOut}\n`);
  }
  process.stderr.write(
    `${fleet.backends.length} backend(s) listening on 127.0.0.1; ${durationS === undefined ? 'Ctrl-C to stop' : `stopping after ${durationS} s`}\n`,
  );
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearInterval(poll);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      resolve();
    };
    // The fleet closes itself after --duration (its lifetime).
    const poll = setInterval(() => {
      if (fleet.isClosed) finish();
    }, 100);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  const served = fleet.served.reduce((a, b) => a + b, 0);
  await fleet.close();
  process.stderr.write(`backends stopped after serving ${served} request(s)\n`);
  return EXIT_OK;
}

function setupError(err: unknown): unknown {
  if (err instanceof PortInUseError) return new UserError([`live: ${err.message}`]);
  if (err instanceof LiveSetupError) return new UserError(err.problems.map((p) => `live: ${p}`));
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'EADDRINUSE')
    return new UserError([`live: ${err.message}`]);
  return err;
}

function writeFileAtomically(dir: string, path: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}
