/**
 * The HTML format (`--format html`): ONE self-contained offline file — inline CSS, inline SVG
 * charts generated in `svg.ts`, no script, no font, no image or link to anything outside the
 * file — with the same sections as the terminal report plus the charts: expected vs observed
 * share per backend and epoch, share over time with epochs and faults marked, rule matching.
 */
import type { Report } from '../report-model.js';
import { type Block, type Cell, cellText, cellTone } from './doc.js';
import { reportBlocks } from './sections.js';
import { escapeHtml, renderChart } from './svg.js';

const CSS = `
:root{--fg:#1d2329;--muted:#5f6b76;--line:#d8dee4;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--bg:#fff}
*{box-sizing:border-box}body{margin:0;background:#f6f8fa;color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px;background:var(--bg)}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 8px;padding-top:12px;border-top:1px solid var(--line)}h3{font-size:15px;margin:18px 0 6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:var(--muted)}dd{margin:0;font-family:ui-monospace,monospace}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}th,td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#f0f3f6}td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:var(--ok)}.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}.dim{color:var(--muted)}
p.note{margin:4px 0 8px}figure{margin:8px 0 16px;overflow-x:auto}svg{max-width:100%;height:auto;font:12px system-ui,sans-serif}
svg .ct{font-weight:600;fill:var(--fg)}svg .cl{fill:var(--fg)}svg .cv{fill:var(--muted);font-size:11px}
svg .exp{fill:none;stroke:#6e7781;stroke-width:1.5}svg .grid{stroke:var(--line)}
svg .mk{stroke-width:1.5;stroke-dasharray:4 3}svg .mk.epoch{stroke:#0969da}svg .mk.fault{stroke:#cf222e}svg .mk.health{stroke:#9a6700}svg .mk.topology{stroke:#6e7781}
`;

/** The report's page; `more` are blocks of further sections after the report's own (the live run). */
export function renderHtml(report: Report, more: readonly Block[] = []): string {
  const title = `slbsim report: ${report.scenario.name || '(unnamed scenario)'} (seed ${report.seed})`;
  return renderBlocksAsHtml([...reportBlocks(report), ...more], title, report.slbsimVersion);
}

/** Any document of blocks as the same self-contained HTML page (used by `slbsim logs` too). */
export function renderBlocksAsHtml(blocks: readonly Block[], title: string, version: string): string {
  const body = blocks.map(block).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="slbsim ${escapeHtml(version)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `<h1>${escapeHtml(b.text)}</h1>`;
    case 'heading':
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'fields':
      return `<dl>${b.items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${cell(v)}</dd>`).join('')}</dl>`;
    case 'table': {
      const cls = (i: number) => (b.columns[i].align === 'right' ? ' class="r"' : '');
      const head = b.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c.header)}</th>`).join('');
      const rows = b.rows
        .map((r) => `<tr>${b.columns.map((_, i) => `<td${cls(i)}>${cell(r[i] ?? '')}</td>`).join('')}</tr>`)
        .join('\n');
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    case 'note':
      return `<p class="note${b.tone ? ` ${b.tone}` : ''}">${escapeHtml(b.text)}</p>`;
    case 'chart':
      return `<figure>${renderChart(b.chart)}</figure>`;
  }
}

function cell(c: Cell): string {
  const tone = cellTone(c);
  const text = escapeHtml(cellText(c));
  return tone ? `<span class="${tone}">${text}</span>` : text;
}
