/**
 * `slbsim merge <report.json|journal.jsonl>…`: fold the shards of one run (`slbsim run --shard
 * K/N`) into the run's report — the one the unsharded run prints, byte for byte (docs/SCALE.md
 * says where a cut is exact; slbsim cuts nowhere else). Inputs are the shards' `report.json`
 * files (their `shard.state`) or their journals, in any order and mixed. Exit 1 when the merged
 * run's expectations fail, 2 on bad input (a missing or doubled shard, shards of different runs).
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { stateFromJournalFile } from '../../report/journal-report.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/render/render-report.js';
import type { Report } from '../../report/report-model.js';
import { reportFromStates } from '../../report/report-projection.js';
import { REPORT_STATE_SCHEMA, ReportMergeError, type ReportState } from '../../report/report-state.js';
import { FileError, UserError } from '../../util/user-error.js';
import { action } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { checkOutputPaths } from '../output-paths.js';
import { emitReport } from '../report-output.js';

export function register(program: Command): void {
  program
    .command('merge')
    .summary('fold the shards of a run into its report')
    .description(
      'Fold the shards of one run (`slbsim run --shard K/N`) into the report of the whole run:\n' +
        'the report the unsharded run prints, byte for byte. Give every shard once, as its\n' +
        'report.json (written by --out or --format json) or its journal (--journal), in any order.\n' +
        'Exits 1 when the run’s expectations fail, 2 on bad input.',
    )
    .argument('<shard...>', 'the shards: report.json files and/or journal files (.jsonl)')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <dir>', 'also write report.json, report.md and report.html into <dir>')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim run scenarios/seed-case.yaml --shard 0/2 --out out/shard-0
  $ slbsim run scenarios/seed-case.yaml --shard 1/2 --out out/shard-1
  $ slbsim merge out/shard-0/report.json out/shard-1/report.json
  $ slbsim merge out/shard-*/report.json --format json > report.json
  $ slbsim run scenarios/seed-case.yaml --shard 0/2 --journal s0.jsonl --quiet
  $ slbsim run scenarios/seed-case.yaml --shard 1/2 --journal s1.jsonl --quiet
  $ slbsim merge s0.jsonl s1.jsonl --out reports/merged`),
    )
    .action(
      action((files: string[], opts: { format: ReportFormat; out?: string }) => {
        checkOutputPaths({ out: opts.out });
        return emitReport(mergeShardFiles(files), opts);
      }),
    );
}

/** The merged report of shard files (report.json or journals); a UserError for bad input. */
export function mergeShardFiles(files: readonly string[]): Report {
  const states = files.map(readShardState);
  try {
    return reportFromStates(states);
  } catch (err) {
    if (err instanceof ReportMergeError) throw new UserError([`slbsim merge: ${err.reason}`]);
    throw err;
  }
}

function readShardState(file: string): ReportState {
  if (!/\.json$/i.test(file)) return stateFromJournalFile(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileError(
      file,
      `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FileError(file, `not JSON: ${(err as Error).message}`);
  }
  const state = (value as { shard?: { state?: ReportState } } | null)?.shard?.state;
  if (state === undefined || state?.schema !== REPORT_STATE_SCHEMA)
    throw new FileError(
      file,
      'not the report of a shard (no "shard" section: write it with `slbsim run … --shard K/N --out <dir>`)',
    );
  return state;
}
