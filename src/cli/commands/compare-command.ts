/**
 * `slbsim compare <a> <b>`: compare where requests went in two runs — each side a JSON report
 * (`--format json`), a journal, or a record file (.jsonl, .ndjson, .csv, .parquet) — per server
 * group: share differences per backend, χ² test of homogeneity, TVD. Exit 1 when a share differs
 * by more than `--max-diff`, 0 otherwise, 2 on bad input.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { z } from 'zod';
import { readRecordFile } from '../../record/read.js';
import {
  compareDistributions,
  type Distribution,
  distributionFromRecords,
  distributionFromReport,
} from '../../report/distribution-compare.js';
import { reportFromJournalFile } from '../../report/journal-report.js';
import { COMPARE_FORMATS, type CompareFormat, renderCompare } from '../../report/render/compare-render.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../../util/user-error.js';
import { action } from '../command-action.js';
import { proseHelp } from '../help-text.js';

export function register(program: Command): void {
  program
    .command('compare')
    .summary('compare per-backend shares of two reports, journals or record files')
    .description(
      'Compare where requests went in two runs, per server group: each backend’s share on both sides and\n' +
        'the difference, Pearson’s χ² test of homogeneity, total variation distance. Each side is a JSON\n' +
        'report (`--format json` of run/report/live), a journal (`--journal`), or a record file\n' +
        '(`--record`: .jsonl, .ndjson, .csv, .parquet). Exits 1 when any share differs by more than\n' +
        '--max-diff, 0 otherwise, 2 on bad input.',
    )
    .argument('<a>', 'first side (baseline)')
    .argument('<b>', 'second side')
    .option('--max-diff <share>', 'largest allowed absolute share difference (0–1)', '0.01')
    .addOption(new Option('--format <format>', 'output format').choices(COMPARE_FORMATS).default('table'))
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim run scenarios/seed-case.yaml --format json > exact.json
  $ slbsim run scenarios/cluster.yaml --format json > cluster.json
  $ slbsim compare exact.json cluster.json --max-diff 0.02
  $ slbsim compare exact.json live-records.csv --format md`),
    )
    .action(
      action((a: string, b: string, opts: { maxDiff: string; format: CompareFormat }) => {
        const maxDiff = Number(opts.maxDiff);
        if (opts.maxDiff.trim() === '' || !Number.isFinite(maxDiff) || maxDiff < 0 || maxDiff > 1)
          throw new UserError([`--max-diff: expected a share between 0 and 1, got "${opts.maxDiff}"`]);
        const da = loadDistribution(a);
        const db = loadDistribution(b);
        const result = compareDistributions(da, db, { maxDiff }, { a, b });
        process.stdout.write(
          renderCompare(result, opts.format, { color: pc.isColorSupported && process.stdout.isTTY === true }),
        );
        return result.passed ? EXIT_OK : EXIT_CHECK_FAILED;
      }),
    );
}

const ReportShape = z.object({
  groups: z.array(
    z.object({
      VServerGroupId: z.string().nullable(),
      MasterSlaveServerGroupId: z.string().nullable().optional(),
      defaultPool: z.boolean().optional(),
      listener: z.string(),
      backends: z.array(
        z.object({ ServerId: z.string(), Port: z.number().int(), count: z.number().int().nonnegative() }),
      ),
    }),
  ),
});

const PARTIAL = '.partial';

function extensionOf(path: string): string {
  const name = path.endsWith(PARTIAL) ? path.slice(0, -PARTIAL.length) : path;
  const dot = name.lastIndexOf('.');
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return dot > slash ? name.slice(dot).toLowerCase() : '';
}

/** Served counts of one side, whatever kind of file it is. */
export function loadDistribution(path: string): Distribution {
  const ext = extensionOf(path);
  if (ext === '.json') return distributionFromReport(readJsonReport(path));
  if (ext === '.jsonl' || ext === '.ndjson') {
    if (isJournal(path)) return distributionFromReport(reportFromJournalFile(path));
  } else if (ext !== '.csv' && ext !== '.parquet') {
    throw new UserError([
      `${path}: unknown file type ${ext === '' ? '(no extension)' : `"${ext}"`}: use a JSON report (.json), a journal or record file (.jsonl, .ndjson), or a record file (.csv, .parquet)`,
    ]);
  }
  return distributionFromRecords(readRecordFile(path));
}

function readJsonReport(path: string): z.infer<typeof ReportShape> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError([`${path}: cannot read: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError([`${path}: not valid JSON: ${(err as Error).message}`]);
  }
  const parsed = ReportShape.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new UserError([`${path}: not a slbsim JSON report: ${where}: ${issue.message}`]);
  }
  return parsed.data;
}

/** Whether a JSON Lines file is a journal (its first line is a RunStarted entry) rather than records. */
function isJournal(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // the record reader reports the unreadable file
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const got = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, got).toString('utf8');
    const nl = text.indexOf('\n');
    return /^\s*\{\s*"type"\s*:\s*"RunStarted"/.test(nl < 0 ? text : text.slice(0, nl));
  } finally {
    closeSync(fd);
  }
}
