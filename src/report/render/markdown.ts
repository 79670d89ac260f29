/** The Markdown format (`--format md`): GitHub-flavoured tables, for PR comments and CI summaries. */
import type { Report } from '../report-model.js';
import { type Block, type Cell, cellText, cellTone } from './doc.js';
import { reportBlocks } from './sections.js';

export function renderMarkdown(report: Report): string {
  return renderBlocksAsMarkdown(reportBlocks(report));
}

export function renderBlocksAsMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        out.push(`# ${esc(b.text)}`, '');
        break;
      case 'heading':
        out.push(`${b.level === 2 ? '##' : '###'} ${esc(b.text)}`, '');
        break;
      case 'fields':
        for (const [k, v] of b.items) out.push(`- **${esc(k)}:** ${cell(v)}`);
        out.push('');
        break;
      case 'table':
        out.push(`| ${b.columns.map((c) => esc(c.header)).join(' | ')} |`);
        out.push(`|${b.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
        for (const r of b.rows) out.push(`| ${b.columns.map((_, i) => cell(r[i] ?? '')).join(' | ')} |`);
        out.push('');
        break;
      case 'note':
        out.push(b.tone === 'bad' || b.tone === 'warn' ? `**${esc(b.text)}**` : esc(b.text), '');
        break;
      case 'chart':
        break;
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

function cell(c: Cell): string {
  const text = esc(cellText(c));
  return cellTone(c) === 'bad' ? `**${text}**` : text;
}

/** Escape what Markdown would interpret inside a table or paragraph. */
function esc(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\*/g, '\\*')
    .replace(/_/g, '\\_')
    .replace(/</g, '&lt;');
}
