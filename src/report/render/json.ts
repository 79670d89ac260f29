/**
 * The JSON report: pretty-printed with two spaces and a final newline, like `JSON.stringify(r,
 * null, 2)` except that arrays of plain values (numbers, strings, booleans, null) stay on one line
 * — the share-over-time matrix and per-instance counts would otherwise take one line per number.
 * Key order is the order in which `report-projection.ts` builds every object (fixed, documented in
 * docs/REPORT.md), so the same journal always gives the same bytes.
 */
import type { Report } from '../report-model.js';

export function renderJson(report: Report): string {
  return renderJsonValue(report);
}

/** Any JSON-ready value (a report with more keys, such as the live report) in the report's layout. */
export function renderJsonValue(value: unknown): string {
  return `${stringify(value, '')}\n`;
}

/** Pretty JSON of any JSON-ready value, with inline arrays of plain values. */
export function stringify(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object'))
      return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map((v) => inner + stringify(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringify(v, inner)}`).join(',\n')}\n${indent}}`;
}
