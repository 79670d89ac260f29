/**
 * `slbsim report <journal>`: rebuild the report of a run from its journal file alone
 * (`slbsim run … --journal file.jsonl`), byte-identical to the report the run printed. Exit 1
 * when the journal's expectations fail, 2 on a missing or malformed journal.
 */
import { type Command, Option } from 'commander';
import { reportFromJournalFile } from '../../report/journal-report.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/render/render-report.js';
import { action } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { checkOutputPaths } from '../output-paths.js';
import { emitReport } from '../report-output.js';

export function register(program: Command): void {
  program
    .command('report')
    .summary('rebuild a run’s report from its journal file')
    .description(
      'Rebuild the weight-fidelity and rule-match report of a run from the journal it wrote with\n' +
        '`slbsim run --journal <file>`, byte-identical to the report the run produced.\n' +
        'Exits 1 when the scenario’s expectations (carried in the journal) fail, 2 on bad input.',
    )
    .argument('<journal>', 'journal file (.jsonl, or its .partial after an interrupted run)')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <dir>', 'also write report.json, report.md and report.html into <dir>')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim run scenarios/seed-case.yaml --journal run.jsonl
  $ slbsim report run.jsonl
  $ slbsim report run.jsonl --format json > report.json
  $ slbsim report run.jsonl --format html > report.html
  $ slbsim report run.jsonl --out reports/seed-case`),
    )
    .action(
      action((journal: string, opts: { format: ReportFormat; out?: string }) => {
        checkOutputPaths({ out: opts.out });
        return emitReport(reportFromJournalFile(journal), opts);
      }),
    );
}
