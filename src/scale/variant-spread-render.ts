/**
 * `slbsim sweep --vary` output: the comparison of the variants first — one row per variant (worst
 * TVD, where and at which seed, expectations) and one row per backend with its max share under
 * each variant —, then each variant's spread table as `slbsim sweep` prints it. The terminal and
 * Markdown formats go through the report's block model; JSON is the variant spread itself. The
 * same spread always gives the same bytes.
 */
import type { Block, Cell } from '../report/render/doc.js';
import { stringify } from '../report/render/json.js';
import { renderBlocksAsMarkdown } from '../report/render/markdown.js';
import { num, pct } from '../report/render/number-format.js';
import { renderBlocksAsText } from '../report/render/table.js';
import { formatSeeds } from './seed-range.js';
import { expectationsField, requestsField, type SweepFormat, spreadTableBlocks } from './spread-render.js';
import type { VariantResult, VariantSpread } from './variant-spread.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function expectedText(e: { readonly min: number; readonly max: number }): string {
  return e.min === e.max ? pct(e.min) : `${pct(e.min)}–${pct(e.max)}`;
}

function expectationsCell(v: VariantResult): Cell {
  const e = v.spread.expectations;
  if (e === null) return '–';
  return e.runsFailed === 0
    ? { text: `passed in ${plural(e.runsPassed, 'run')}`, tone: 'ok' }
    : { text: `failed in ${e.runsFailed} of ${plural(v.spread.runs, 'run')}`, tone: 'bad' };
}

function headerBlocks(s: VariantSpread): Block[] {
  const count = s.variants.length - 1;
  const perVariant = s.seeds.length;
  const fields: [string, Cell][] = [
    ['Scenario', s.scenario.file],
    ['Variants', `${s.variantsFile}: ${plural(count, 'variant')}, and the scenario as is (the baseline)`],
    [
      'Seeds',
      `${formatSeeds(s.seeds)}${s.seedsFrom === 'scenario' ? ", the scenario's seed" : ''} (${plural(s.runs, 'run')}: ${perVariant} per variant)`,
    ],
    requestsField(s),
  ];
  if (s.expectations !== null)
    fields.push(
      expectationsField(
        s.expectations,
        s.runs,
        s.expectations.failedVariants.map((n) => JSON.stringify(n)).join(', '),
      ),
    );
  fields.push(['slbsim', s.slbsimVersion]);
  return [
    { kind: 'title', text: `slbsim sweep: ${s.scenario.name}, ${plural(count, 'variant')}` },
    { kind: 'fields', items: fields },
  ];
}

function comparisonBlocks(s: VariantSpread): Block[] {
  const rows: Cell[][] = s.variants.map((v) => [
    v.name,
    v.source ?? '(none: the baseline)',
    String(v.events),
    String(v.spread.runs),
    expectationsCell(v),
    v.worstTvd === null ? 'n/a' : num(v.worstTvd.tvd),
    v.worstTvd?.seed ?? '',
    v.worstTvd === null
      ? ''
      : `${v.worstTvd.scope} → ${v.worstTvd.group}, epoch ${v.worstTvd.epoch} ${v.worstTvd.cause}`,
  ]);
  return [
    { kind: 'heading', level: 2, text: 'Variants compared' },
    {
      kind: 'table',
      columns: [
        { header: 'Variant' },
        { header: 'Change' },
        { header: 'Events', align: 'right' },
        { header: 'Runs', align: 'right' },
        { header: 'Expectations' },
        { header: 'Worst TVD', align: 'right' },
        { header: 'at seed' },
        { header: 'in scope, epoch' },
      ],
      rows,
    },
  ];
}

/** One row per scope and backend (in order of first appearance over the variants), one column per variant. */
function maxShareBlocks(s: VariantSpread): Block[] {
  const keys = new Map<string, { scope: string; group: string; backend: string }>();
  const cells = s.variants.map((v) => {
    const byKey = new Map<string, string>();
    for (const m of v.maxShares) {
      const key = `${m.scope}\u0000${m.group}\u0000${m.backend}`;
      if (!keys.has(key)) keys.set(key, { scope: m.scope, group: m.group, backend: m.backend });
      byKey.set(key, `${pct(m.max)} (${expectedText(m.expected)})`);
    }
    return byKey;
  });
  // Keys grouped by scope, in order of each scope's first appearance.
  const scopes = new Map<string, string[]>();
  for (const [key, k] of keys) {
    const scope = `${k.scope} → ${k.group}`;
    const list = scopes.get(scope);
    if (list === undefined) scopes.set(scope, [key]);
    else list.push(key);
  }
  const rows: Cell[][] = [];
  for (const [scope, list] of scopes)
    list.forEach((key, i) => {
      rows.push([i === 0 ? scope : '', keys.get(key)?.backend ?? '', ...cells.map((c) => c.get(key) ?? '–')]);
    });
  if (rows.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Max share per backend over every epoch and run (expected)' },
    {
      kind: 'table',
      columns: [
        { header: 'Scope → group' },
        { header: 'Backend' },
        ...s.variants.map((v) => ({ header: v.name, align: 'right' as const })),
      ],
      rows,
    },
  ];
}

function variantBlocks(v: VariantResult, index: number): Block[] {
  const fields: [string, Cell][] = [
    ['Change', v.source === null ? 'none: the scenario as is' : `${v.source} (${plural(v.events, 'event')})`],
  ];
  if (v.description !== null) fields.push(['Description', v.description]);
  const e = v.spread.expectations;
  if (e !== null)
    fields.push([
      'Expectations',
      e.runsFailed === 0
        ? { text: e.runsPassed === 1 ? 'passed' : `passed in all ${e.runsPassed} runs`, tone: 'ok' }
        : {
            text: `failed in ${e.runsFailed} of ${plural(v.spread.runs, 'run')} (seed${e.failedSeeds.length === 1 ? '' : 's'} ${formatSeeds(e.failedSeeds)})`,
            tone: 'bad',
          },
    ]);
  return [
    { kind: 'heading', level: 2, text: `${index === 0 ? 'Baseline' : `Variant ${index}`}: ${v.name}` },
    { kind: 'fields', items: fields },
    ...spreadTableBlocks(v.spread, 3),
  ];
}

export function variantSpreadBlocks(s: VariantSpread): Block[] {
  return [
    ...headerBlocks(s),
    ...comparisonBlocks(s),
    ...maxShareBlocks(s),
    ...s.variants.flatMap((v, i) => variantBlocks(v, i)),
  ];
}

export function renderVariantSpread(
  s: VariantSpread,
  format: SweepFormat,
  opts: { color?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return `${stringify(s, '')}\n`;
    case 'md':
      return renderBlocksAsMarkdown(variantSpreadBlocks(s));
    case 'table':
      // Continuation rows leave cells empty: no trailing blanks on any line.
      return renderBlocksAsText(variantSpreadBlocks(s), { color: opts.color ?? false }).replace(/ +$/gm, '');
  }
}
