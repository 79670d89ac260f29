import type { Command } from 'commander';
import { action } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { replay, WORKERS_MIN_REQUESTS } from '../run-pipeline.js';

/** `slbsim run` — replay a scenario in simulated time and report. */
export function register(program: Command): void {
  program
    .command('run')
    .summary('replay a scenario in simulated time and report where requests went')
    .description(
      "Replay a scenario's traffic against its topology in simulated time: which rule, group, backend and port\n" +
        'served each request, how faithfully weights were honoured, how rules matched. Same seed, same bytes.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--seed <seed>', "override the scenario's seed")
    .option('--requests <n>', "override the scenario's request count (a cap on its phases)")
    .option(
      '--url-matching <mode>',
      "override the scenario's simulation.urlMatching: normalized (as Tengine: decoded, dot segments resolved, invalid → 400) or raw",
    )
    .option('--record <file>', 'write one row per request: .jsonl, .csv or .parquet')
    .option(
      '--journal <file>',
      'write the whole journal as JSON Lines (`slbsim report` rebuilds the report from it)',
    )
    .option('--format <format>', 'report format on stdout: table, json, md, html', 'table')
    .option('--out <dir>', 'also write report.json, report.md and report.html into <dir>')
    .option('--quiet', 'no progress bar')
    .option(
      '--shard <K/N>',
      'replay only shard K of N (0-based; each shard a process, e.g. a Kubernetes Indexed Job pod); fold the shards with slbsim merge',
    )
    .option(
      '--workers <n>',
      `replay as n shards on n threads (this one and n-1 workers) and merge them (same report; default: the cores when the run has ≥ ${WORKERS_MIN_REQUESTS} requests and writes no --record/--journal, else 1)`,
    )
    .addHelpText(
      'after',
      proseHelp(`
Exit codes: 0 ok, 1 an expectation of the scenario failed, 2 bad input (nothing is run, no file written)
or an output that could not be written (a full disk: the file is cut to its last whole line or row group,
the report is partial), 130 Ctrl-C and 143 SIGTERM (the report is partial, the files stay <file>.partial).
Ceilings (docs/SCENARIO.md#limits): --requests and the traffic at most 10000000000 requests.

Examples:
  $ slbsim run scenarios/seed-case.yaml
  $ slbsim run scenarios/seed-case.yaml --format json > report.json
  $ slbsim run scenarios/weight-change.yaml --seed 7 --requests 100000 --record requests.parquet
  $ slbsim run scenarios/backend-failure.yaml --journal run.jsonl --out reports/failure
  $ slbsim report run.jsonl   # the same report, from the journal alone
  $ slbsim run bench/engine-10m.yaml --workers 2   # two threads, the same report as --workers 1
  $ slbsim run scenarios/seed-case.yaml --shard 0/2 --out shard-0   # then 1/2, then:
  $ slbsim merge shard-0/report.json shard-1/report.json`),
    )
    .action(action(replay));
}
