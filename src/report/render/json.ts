/**
 * The JSON report: pretty-printed with two spaces and a final newline. Key order is the order in
 * which `report.ts` builds every object (fixed, documented in docs/REPORT.md), so the same
 * journal always gives the same bytes.
 */
import type { Report } from '../model.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
