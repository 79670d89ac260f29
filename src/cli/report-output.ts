/**
 * A rebuilt report on stdout (and `--out <dir>`), and its exit code: what `slbsim report` and
 * `slbsim merge` end with.
 */
import pc from 'picocolors';
import { type ReportFormat, renderReport, writeReportFiles } from '../report/render/render-report.js';
import type { Report } from '../report/report-model.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UserError } from '../util/user-error.js';

/** Print the report, write `--out`, and return 1 when an expectation failed, else 0. */
export function emitReport(report: Report, opts: { format: ReportFormat; out?: string }): number {
  process.stdout.write(
    renderReport(report, opts.format, { color: pc.isColorSupported && process.stdout.isTTY === true }),
  );
  if (opts.out !== undefined) {
    let files: string[];
    try {
      files = writeReportFiles(report, opts.out);
    } catch (err) {
      throw new UserError([`--out ${opts.out}: cannot write the report: ${(err as Error).message}`]);
    }
    process.stderr.write(`wrote ${files.join(', ')}\n`);
  }
  return report.expectations !== null && report.expectations.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}
