/**
 * `slbsim sweep` output: one table of the spread in the terminal and Markdown formats (through the
 * report's block model), or the spread itself as JSON. Every figure comes from the spread; the
 * same spread always gives the same bytes.
 */
import type { Block, Cell } from '../report/render/doc.js';
import { stringify } from '../report/render/json.js';
import { renderBlocksAsMarkdown } from '../report/render/markdown.js';
import { num, pct } from '../report/render/number-format.js';
import { renderBlocksAsText } from '../report/render/table.js';
import { formatSeeds } from './seed-range.js';
import type { Spread, SpreadEpoch, Stat } from './spread.js';

export const SWEEP_FORMATS = ['table', 'json', 'md'] as const;
export type SweepFormat = (typeof SWEEP_FORMATS)[number];

export function isSweepFormat(s: string): s is SweepFormat {
  return (SWEEP_FORMATS as readonly string[]).includes(s);
}

/** One value when every run agreed, else `min / median / max`. */
export function statText(s: Stat, f: (x: number) => string): string {
  return s.min === s.max ? f(s.min) : `${f(s.min)} / ${f(s.median)} / ${f(s.max)} (min / median / max)`;
}

function epochLabel(e: SpreadEpoch): string {
  return `${e.epoch} ${e.cause}`;
}

export function spreadBlocks(s: Spread): Block[] {
  const fields: [string, Cell][] = [
    ['Scenario', s.scenario.file],
    ['Seeds', `${formatSeeds(s.seeds)} (${s.runs} run${s.runs === 1 ? '' : 's'})`],
    requestsField(s),
  ];
  if (s.expectations !== null)
    fields.push(
      expectationsField(s.expectations, s.runs, `seeds ${formatSeeds(s.expectations.failedSeeds)}`),
    );
  fields.push(['slbsim', s.slbsimVersion]);
  return [
    { kind: 'title', text: `slbsim sweep: ${s.scenario.name}` },
    { kind: 'fields', items: fields },
    ...spreadTableBlocks(s, 2),
  ];
}

/** The header's `Requests` field: requests per run over the runs, and the `--requests` override. */
export function requestsField(s: {
  readonly requestsPerRun: Stat;
  readonly requests: number | null;
}): [string, Cell] {
  return [
    'Requests',
    `${statText(s.requestsPerRun, String)} per run${s.requests === null ? '' : `, --requests ${s.requests}`}`,
  ];
}

/** The header's `Expectations` field: passed in every run, or failed in some (`failing` says which). */
export function expectationsField(
  e: { readonly runsPassed: number; readonly runsFailed: number },
  runs: number,
  failing: string,
): [string, Cell] {
  return [
    'Expectations',
    e.runsFailed === 0
      ? { text: `passed in all ${e.runsPassed} runs`, tone: 'ok' }
      : { text: `failed in ${e.runsFailed} of ${runs} runs (${failing})`, tone: 'bad' },
  ];
}

/** The spread's table under its heading (or a note when no run served a request). */
export function spreadTableBlocks(s: Spread, level: 2 | 3): Block[] {
  const rows: Cell[][] = [];
  for (const e of s.epochs) {
    e.backends.forEach((b, i) => {
      const first = i === 0;
      rows.push([
        first ? `${e.scope} → ${e.group}` : '',
        first ? epochLabel(e) : '',
        b.backend,
        String(b.weight),
        b.expected.min === b.expected.max
          ? pct(b.expected.min)
          : `${pct(b.expected.min)}–${pct(b.expected.max)}`,
        pct(b.share.min),
        pct(b.share.median),
        pct(b.share.max),
        first ? String(e.runs) : '',
        first && e.tvd !== null ? num(e.tvd.median) : '',
        first && e.tvd !== null ? num(e.tvd.max) : '',
        first && e.tvd !== null ? e.tvd.worstSeed : '',
      ]);
    });
  }
  const out: Block[] = [{ kind: 'heading', level, text: 'Share per backend over the runs' }];
  if (rows.length === 0) out.push({ kind: 'note', tone: 'warn', text: 'No run served any request.' });
  else
    out.push({
      kind: 'table',
      columns: [
        { header: 'Scope → group' },
        { header: 'Epoch' },
        { header: 'Backend' },
        { header: 'Weight', align: 'right' },
        { header: 'Expected', align: 'right' },
        { header: 'Min', align: 'right' },
        { header: 'Median', align: 'right' },
        { header: 'Max', align: 'right' },
        { header: 'Runs', align: 'right' },
        { header: 'TVD median', align: 'right' },
        { header: 'TVD max', align: 'right' },
        { header: 'at seed' },
      ],
      rows,
    });
  return out;
}

export function renderSpread(s: Spread, format: SweepFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return `${stringify(s, '')}\n`;
    case 'md':
      return renderBlocksAsMarkdown(spreadBlocks(s));
    case 'table':
      // Continuation rows leave the epoch's cells empty: no trailing blanks on any line.
      return renderBlocksAsText(spreadBlocks(s), { color: opts.color ?? false }).replace(/ +$/gm, '');
  }
}
