/** `slbsim compare` output in the terminal, JSON and Markdown formats. */
import type { CompareResult } from '../distribution-compare.js';
import type { Block } from './doc.js';
import { renderBlocksAsMarkdown } from './markdown.js';
import { num, pct, pp, pValue } from './number-format.js';
import { renderBlocksAsText } from './table.js';

export const COMPARE_FORMATS = ['table', 'json', 'md'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export function compareBlocks(r: CompareResult): Block[] {
  const out: Block[] = [
    { kind: 'title', text: 'slbsim compare' },
    {
      kind: 'fields',
      items: [
        ['A', r.a],
        ['B', r.b],
        ['Max share difference', pct(r.maxDiff)],
        ['Result', r.passed ? { text: 'pass', tone: 'ok' } : { text: 'FAIL', tone: 'bad' }],
      ],
    },
  ];
  if (r.groups.length === 0)
    out.push({ kind: 'note', tone: 'warn', text: 'Neither side served any request.' });
  for (const g of r.groups) {
    out.push({ kind: 'heading', level: 2, text: `Group ${g.group}: ${g.countA} vs ${g.countB} served` });
    if (g.missingIn)
      out.push({ kind: 'note', tone: 'warn', text: `Only in ${g.missingIn === 'a' ? 'B' : 'A'}.` });
    out.push({
      kind: 'table',
      columns: [
        { header: 'Backend' },
        { header: 'Count A', align: 'right' },
        { header: 'Count B', align: 'right' },
        { header: 'Share A', align: 'right' },
        { header: 'Share B', align: 'right' },
        { header: 'B − A', align: 'right' },
      ],
      rows: g.backends.map((b) => [
        b.backend,
        String(b.countA),
        String(b.countB),
        pct(b.shareA),
        pct(b.shareB),
        b.exceeded ? { text: pp(b.diff), tone: 'bad' } : pp(b.diff),
      ]),
    });
    out.push({
      kind: 'note',
      tone: g.exceeded ? 'bad' : 'ok',
      text:
        `χ² homogeneity ${g.chiSquare === null ? 'n/a' : `${num(g.chiSquare)} (df ${g.df}), p = ${pValue(g.pValue)}`}; ` +
        `TVD ${num(g.tvd)}; max |B − A| ${pct(g.maxAbsDiff)}${g.exceeded ? ` > ${pct(r.maxDiff)}` : ''}`,
    });
  }
  return out;
}

export function renderCompare(
  r: CompareResult,
  format: CompareFormat,
  opts: { color?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'md':
      return renderBlocksAsMarkdown(compareBlocks(r));
    case 'table':
      return renderBlocksAsText(compareBlocks(r), { color: opts.color ?? false });
  }
}
