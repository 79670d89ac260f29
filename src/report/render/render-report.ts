/**
 * One entry point for every report format, and `--out <dir>` writing: `report.json`,
 * `report.md` and `report.html` side by side.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../report-model.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

export const REPORT_FORMATS = ['table', 'json', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export function renderReport(report: Report, format: ReportFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'table':
      return renderTable(report, { color: opts.color ?? false });
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
  }
}

/**
 * Write `report.json`, `report.md` and `report.html` into `dir` (created if needed). Each file is
 * written to a temporary name and renamed, so a file that exists is complete. Returns the paths.
 */
export function writeReportFiles(report: Report, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.json', renderJson(report)],
    ['report.md', renderMarkdown(report)],
    ['report.html', renderHtml(report)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(`${path}.partial`, text);
    renameSync(`${path}.partial`, path);
    return path;
  });
}
