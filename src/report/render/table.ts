/**
 * The terminal format (the default): aligned plain-text tables, coloured with picocolors only
 * when the caller says the stream is a TTY (`color`), so piped output has no escape codes.
 */
import pc from 'picocolors';
import type { Report } from '../report-model.js';
import { type Block, type Cell, type Column, cellText, cellTone, type Tone } from './doc.js';
import { reportBlocks } from './sections.js';

export interface TextOptions {
  /** Colour the output (pass `stream.isTTY`). */
  readonly color: boolean;
}

export function renderTable(report: Report, opts: TextOptions): string {
  return renderBlocksAsText(reportBlocks(report), opts);
}

export function renderBlocksAsText(blocks: readonly Block[], opts: TextOptions): string {
  const c = pc.createColors(opts.color);
  const paint = (text: string, tone: Tone | undefined): string => {
    switch (tone) {
      case 'ok':
        return c.green(text);
      case 'bad':
        return c.red(text);
      case 'warn':
        return c.yellow(text);
      case 'dim':
        return c.dim(text);
      default:
        return text;
    }
  };
  const lines: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        lines.push(c.bold(b.text), '');
        break;
      case 'heading':
        lines.push('', b.level === 2 ? c.bold(c.cyan(b.text)) : c.bold(b.text));
        break;
      case 'fields': {
        const w = Math.max(...b.items.map(([k]) => k.length));
        for (const [k, v] of b.items)
          lines.push(`${c.dim(`${k}:`.padEnd(w + 1))} ${paint(cellText(v), cellTone(v))}`);
        break;
      }
      case 'table':
        lines.push(...textTable(b.columns, b.rows, paint, (s) => c.bold(s)));
        break;
      case 'note':
        lines.push(paint(b.text, b.tone));
        break;
      case 'chart':
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}

function textTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  paint: (text: string, tone: Tone | undefined) => string,
  bold: (s: string) => string,
): string[] {
  const widths = columns.map((col, i) =>
    Math.max(col.header.length, ...rows.map((r) => cellText(r[i] ?? '').length)),
  );
  const last = columns.length - 1;
  // Left-aligned last cells are not padded, so lines carry no trailing blanks (coloured or not).
  const pad = (text: string, i: number) =>
    columns[i].align === 'right' ? text.padStart(widths[i]) : i === last ? text : text.padEnd(widths[i]);
  const out: string[] = [];
  out.push(bold(columns.map((col, i) => pad(col.header, i)).join('  ')));
  out.push(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows)
    out.push(
      columns
        .map((_, i) => {
          const cell = r[i] ?? '';
          return paint(pad(cellText(cell), i), cellTone(cell));
        })
        .join('  '),
    );
  return out;
}
