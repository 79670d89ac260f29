/**
 * Inline SVG charts for the HTML report, generated here (no chart library, no external file):
 * expected vs observed share per backend, rule-match breakdown, and share over time as stacked
 * columns per time bucket with epoch starts, faults and health changes marked. The `<svg>`
 * elements are inline HTML5, which needs no namespace declaration.
 */
import type { Chart, RuleBar, ShareBar, TimelineMarker } from './doc.js';
import { pct, time } from './number-format.js';

export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

export function renderChart(chart: Chart): string {
  switch (chart.kind) {
    case 'shares':
      return sharesChart(chart.title, chart.bars);
    case 'rules':
      return rulesChart(chart.title, chart.bars, chart.total);
    case 'timeline':
      return timelineChart(chart.title, chart.bucketUs, chart.series, chart.counts, chart.markers);
  }
}

const LABEL_W = 200;
const BAR_W = 420;
const ROW_H = 30;

function sharesChart(title: string, bars: readonly ShareBar[]): string {
  const max = Math.max(0.0001, ...bars.map((b) => Math.max(b.expected, b.observed)));
  const h = 30 + bars.length * ROW_H + 10;
  const w = LABEL_W + BAR_W + 140;
  const parts: string[] = [];
  parts.push(`<text x="0" y="14" class="ct">${escapeHtml(title)}</text>`);
  parts.push(
    `<rect x="${LABEL_W}" y="20" width="10" height="8" class="exp"/><text x="${LABEL_W + 14}" y="28" class="cl">expected</text>`,
    `<rect x="${LABEL_W + 90}" y="20" width="10" height="8" fill="${PALETTE[0]}"/><text x="${LABEL_W + 104}" y="28" class="cl">observed</text>`,
  );
  bars.forEach((b, i) => {
    const y = 34 + i * ROW_H;
    const we = (b.expected / max) * BAR_W;
    const wo = (b.observed / max) * BAR_W;
    parts.push(
      `<text x="${LABEL_W - 6}" y="${y + 14}" class="cl" text-anchor="end">${escapeHtml(b.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y + 2}" width="${f1(we)}" height="10" class="exp"><title>expected ${pct(b.expected)}</title></rect>`,
      `<rect x="${LABEL_W}" y="${y + 13}" width="${f1(wo)}" height="10" fill="${PALETTE[i % PALETTE.length]}"><title>observed ${pct(b.observed)}</title></rect>`,
      `<text x="${LABEL_W + Math.max(we, wo) + 6}" y="${y + 18}" class="cv">${pct(b.observed)} / ${pct(b.expected)}</text>`,
    );
  });
  return svg(w, h, title, parts);
}

function rulesChart(title: string, bars: readonly RuleBar[], total: number): string {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const h = 24 + bars.length * ROW_H;
  const w = LABEL_W + BAR_W + 140;
  const parts: string[] = [`<text x="0" y="14" class="ct">${escapeHtml(title)}</text>`];
  bars.forEach((b, i) => {
    const y = 22 + i * ROW_H;
    const bw = (b.count / max) * BAR_W;
    const fill = b.tone === 'bad' ? '#e15759' : PALETTE[i % PALETTE.length];
    parts.push(
      `<text x="${LABEL_W - 6}" y="${y + 15}" class="cl" text-anchor="end">${escapeHtml(b.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y + 4}" width="${f1(bw)}" height="16" fill="${fill}"><title>${b.count}</title></rect>`,
      `<text x="${LABEL_W + bw + 6}" y="${y + 16}" class="cv">${b.count}${total > 0 ? ` (${pct(b.count / total)})` : ''}</text>`,
    );
  });
  return svg(w, h, title, parts);
}

function timelineChart(
  title: string,
  bucketUs: number,
  series: readonly string[],
  counts: readonly (readonly number[])[],
  markers: readonly TimelineMarker[],
): string {
  const left = 44;
  const plotW = 680;
  const plotH = 200;
  const top = 24;
  const n = Math.max(1, counts.length);
  const colW = plotW / n;
  const legendRows = Math.ceil(series.length / 4);
  const h = top + plotH + 28 + legendRows * 18 + markers.length * 16 + 8;
  const w = left + plotW + 20;
  const parts: string[] = [`<text x="0" y="14" class="ct">${escapeHtml(title)}</text>`];
  // Axes and gridlines at 0, 25, 50, 75, 100 %.
  for (let k = 0; k <= 4; k++) {
    const y = top + plotH - (k / 4) * plotH;
    parts.push(
      `<line x1="${left}" y1="${f1(y)}" x2="${left + plotW}" y2="${f1(y)}" class="grid"/>`,
      `<text x="${left - 4}" y="${f1(y + 4)}" class="cv" text-anchor="end">${k * 25}%</text>`,
    );
  }
  counts.forEach((row, j) => {
    const total = row.reduce((s, c) => s + c, 0);
    if (total === 0) return;
    let acc = 0;
    row.forEach((c, i) => {
      if (c === 0) return;
      const y0 = top + plotH - (acc / total) * plotH;
      acc += c;
      const y1 = top + plotH - (acc / total) * plotH;
      parts.push(
        `<rect x="${f1(left + j * colW)}" y="${f1(y1)}" width="${f1(colW + 0.05)}" height="${f1(y0 - y1)}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeHtml(series[i])} ${time(j * bucketUs)}: ${c} of ${total}</title></rect>`,
      );
    });
  });
  const end = n * bucketUs;
  parts.push(
    `<text x="${left}" y="${top + plotH + 14}" class="cv">0s</text>`,
    `<text x="${left + plotW}" y="${top + plotH + 14}" class="cv" text-anchor="end">${escapeHtml(time(end))}</text>`,
  );
  markers.forEach((m, k) => {
    const x = left + (Math.min(m.t, end) / end) * plotW;
    parts.push(
      `<line x1="${f1(x)}" y1="${top}" x2="${f1(x)}" y2="${top + plotH}" class="mk ${m.kind}"><title>${escapeHtml(m.label)}</title></line>`,
      `<text x="${f1(x + 2)}" y="${top + 10}" class="cv">${k + 1}</text>`,
    );
  });
  let y = top + plotH + 32;
  series.forEach((s, i) => {
    const x = left + (i % 4) * 170;
    if (i > 0 && i % 4 === 0) y += 18;
    parts.push(
      `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${x + 14}" y="${y}" class="cl">${escapeHtml(s)}</text>`,
    );
  });
  y += 18;
  markers.forEach((m, k) => {
    parts.push(
      `<text x="${left}" y="${y + k * 16}" class="cl">${k + 1}. ${escapeHtml(time(m.t))} ${escapeHtml(m.label)}</text>`,
    );
  });
  return svg(w, h, title, parts);
}

function svg(w: number, h: number, title: string, parts: string[]): string {
  return `<svg viewBox="0 0 ${f1(w)} ${f1(h)}" width="${f1(w)}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}
