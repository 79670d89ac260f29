/**
 * `slbsim logs` output: the report as document blocks (`report/render/doc.ts`), laid out by the
 * run report's own terminal, Markdown and HTML renderers; JSON is the report object itself.
 */
import type { Block, Cell, ShareBar } from '../report/render/doc.js';
import { renderBlocksAsHtml } from '../report/render/html.js';
import { stringify } from '../report/render/json.js';
import { renderBlocksAsMarkdown } from '../report/render/markdown.js';
import { num, pct, pp, pValue } from '../report/render/number-format.js';
import { renderBlocksAsText } from '../report/render/table.js';
import type {
  DisagreementReport,
  GroupShares,
  ListenerLogReport,
  LogsReport,
  ShareReport,
} from './logs-report-model.js';

export const LOGS_FORMATS = ['table', 'json', 'md', 'html'] as const;
export type LogsFormat = (typeof LOGS_FORMATS)[number];

const KIND_TEXT: Record<DisagreementReport['kind'], string> = {
  group: 'other group',
  outside: 'upstream in no group of the listener',
  'no-listener': 'model has no listener',
  'listener-stopped': 'listener stopped in the model',
};

function window(ms: number): string {
  if (ms === 0) return 'none (whole log only)';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function logsBlocks(r: LogsReport): Block[] {
  const s = r.summary;
  const out: Block[] = [
    { kind: 'title', text: `slbsim logs: ${r.scenario.name || r.scenario.file}` },
    {
      kind: 'fields',
      items: [
        ['Scenario', r.scenario.file],
        ['Access log', r.logs.join(', ')],
        ['Rows', `${r.rows}${r.badRows.count > 0 ? ` (+${r.badRows.count} malformed, skipped)` : ''}`],
        [
          'Time',
          r.first === null ? 'no rows' : `${r.first} – ${r.last}${r.ordered ? '' : ' (not in time order)'}`,
        ],
        ['Scenario time 0', r.origin ?? 'n/a'],
        ['Windows', window(r.options.windowMs)],
        ['Group agreement', agreement(s.agree, s.disagree)],
        ['Max share difference', `${pct(r.options.maxDiff)} (α ${r.options.alpha})`],
        [
          'Result',
          r.passed
            ? { text: 'pass', tone: 'ok' }
            : {
                text: `FAIL (${[
                  s.disagree > 0 ? plural(s.disagree, 'row', 'not where the model routes it') : '',
                  s.flaggedGroups > 0 ? plural(s.flaggedGroups, 'group', 'beyond the model') : '',
                  s.flaggedWindows > 0 ? plural(s.flaggedWindows, 'window', 'beyond the model') : '',
                ]
                  .filter(Boolean)
                  .join(', ')})`,
                tone: 'bad',
              },
        ],
      ],
    },
  ];
  if (r.badRows.count > 0)
    out.push({
      kind: 'note',
      tone: 'warn',
      text: `${r.badRows.count} malformed rows were skipped: ${r.badRows.samples.slice(0, 3).join('; ')}${r.badRows.count > 3 ? ' …' : ''}`,
    });
  if (r.unaddressed.length > 0)
    out.push({
      kind: 'note',
      tone: 'warn',
      text: `No IP for ${r.unaddressed.join(', ')} in the scenario (give the ECS a PrivateIpAddress or the entry a ServerIp): rows to them cannot be matched.`,
    });
  for (const l of r.listeners) out.push(...listenerBlocks(l, r));
  return out;
}

function plural(n: number, what: string, rest: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'} ${rest}`;
}

function agreement(agree: number, disagree: number): Cell {
  const n = agree + disagree;
  if (n === 0) return 'no row reached a backend';
  const text = `${agree} of ${n} rows (${pct(agree / n)})`;
  return disagree === 0 ? { text, tone: 'ok' } : { text, tone: 'bad' };
}

function listenerBlocks(l: ListenerLogReport, r: LogsReport): Block[] {
  const out: Block[] = [{ kind: 'heading', level: 2, text: `Listener ${l.listener}: ${l.rows} rows` }];
  const d = l.disagreements;
  const items: [string, Cell][] = [['Group agreement', agreement(l.agree, d.total)]];
  if (l.ambiguous > 0) items.push(['Ambiguous (IP:port in several groups)', String(l.ambiguous)]);
  if (l.noUpstream.count > 0)
    items.push([
      'No upstream',
      `${l.noUpstream.count} (${Object.entries(l.noUpstream.byStatus)
        .map(([k, v]) => `${k === '0' ? 'no status' : k}: ${v}`)
        .join(', ')}; the model had backends for ${l.noUpstream.modelHadBackends})`,
    ]);
  if (l.retried > 0) items.push(['Retried (several upstreams)', String(l.retried)]);
  if (l.schemeMismatch > 0) items.push(['Scheme differs from the listener', String(l.schemeMismatch)]);
  out.push({ kind: 'fields', items });
  if (!l.known)
    out.push({
      kind: 'note',
      tone: 'bad',
      text: 'The scenario has no layer-7 listener on this load balancer and port.',
    });
  if (d.total > 0) {
    out.push({ kind: 'heading', level: 3, text: `Rows the model routes elsewhere: ${d.total}` });
    out.push({
      kind: 'table',
      columns: [
        { header: 'Rows', align: 'right' },
        { header: 'What' },
        { header: 'Host' },
        { header: 'Model' },
        { header: 'Log' },
        { header: 'First' },
      ],
      rows: l.patterns.map((p) => [
        String(p.count),
        KIND_TEXT[p.kind],
        p.host || '(none)',
        p.modelGroup ? `${p.modelRoute} → ${p.modelGroup}` : p.modelRoute,
        actual(p.actualGroups, p.elsewhere),
        p.first,
      ]),
    });
    out.push({
      kind: 'table',
      columns: [
        { header: 'Row' },
        { header: 'Time' },
        { header: 'Host' },
        { header: 'Path' },
        { header: 'Model rule → group' },
        { header: 'Log group' },
        { header: 'upstream_addr' },
      ],
      rows: l.listed.map((x) => [
        `${x.file}:${x.line}`,
        x.time,
        x.host || '(none)',
        x.path,
        x.modelGroup ? `${x.modelRoute} → ${x.modelGroup}` : { text: x.modelRoute, tone: 'bad' },
        { text: actual(x.actualGroups, x.elsewhere), tone: 'bad' },
        x.upstream,
      ]),
    });
    if (l.unlisted > 0)
      out.push({
        kind: 'note',
        tone: 'warn',
        text: `… and ${l.unlisted} more rows (raise --list to see them).`,
      });
  }
  for (const g of l.groups) out.push(...groupBlocks(g, r));
  return out;
}

function actual(groups: readonly string[], elsewhere: readonly string[]): string {
  if (groups.length > 0) return groups.join(' or ');
  return elsewhere.length > 0 ? `none (in ${elsewhere.join(', ')})` : 'none (unknown IP:port)';
}

function groupBlocks(g: GroupShares, r: LogsReport): Block[] {
  const t = g.total;
  const sticky = g.sticky === 'off' ? '' : `, sticky ${g.sticky}`;
  const out: Block[] = [
    {
      kind: 'heading',
      level: 3,
      text: `Group ${g.group} (${g.groupName}): ${t.requests} requests, ${g.scheduler}${sticky}`,
    },
    sharesTable(t),
    statsNote(t, 'Whole log'),
  ];
  out.push(...causeNotes(t));
  if (r.options.windowMs > 0 && g.windows.count === 1)
    out.push({
      kind: 'note',
      tone: 'dim',
      text: `The log fits in one window of ${window(r.options.windowMs)}: the same figures.`,
    });
  else if (r.options.windowMs > 0) {
    const w = g.windows;
    out.push({
      kind: 'note',
      tone: w.flagged > 0 ? 'bad' : w.exceeded > 0 ? 'warn' : 'ok',
      text: `${w.count} windows of ${window(r.options.windowMs)}: ${w.exceeded} beyond ${pct(r.options.maxDiff)}, ${w.flagged} of them beyond what chance at their size explains.`,
    });
    for (const x of w.listed) {
      out.push({
        kind: 'note',
        tone: x.flagged ? 'bad' : 'warn',
        text: `Window ${x.from} – ${x.to}: ${x.requests} requests`,
      });
      out.push(sharesTable(x));
      out.push(statsNote(x, 'Window'));
      out.push(...causeNotes(x));
    }
  }
  out.push({
    kind: 'chart',
    chart: {
      kind: 'shares',
      title: `${g.group}: expected vs observed (whole log)`,
      bars: t.backends.map(
        (b): ShareBar => ({ label: b.backend, expected: b.expected, observed: b.observed }),
      ),
    },
  });
  return out;
}

function sharesTable(s: ShareReport): Block {
  const failures = s.backends.some((b) => b.failedAttempts > 0 || b.upstream5xx > 0);
  return {
    kind: 'table',
    columns: [
      { header: 'Backend' },
      { header: 'Address' },
      { header: 'Count', align: 'right' },
      { header: 'Expected', align: 'right' },
      { header: 'Observed', align: 'right' },
      { header: 'Diff', align: 'right' },
      ...(failures
        ? [
            { header: 'Failed attempts', align: 'right' as const },
            { header: 'Upstream 5xx', align: 'right' as const },
          ]
        : []),
    ],
    rows: s.backends.map((b) => [
      b.backend,
      b.address || '(no IP)',
      String(b.count),
      pct(b.expected),
      pct(b.observed),
      s.exceeded && Math.abs(b.diff) === s.maxAbsDeviation
        ? { text: pp(b.diff), tone: s.flagged ? 'bad' : 'warn' }
        : pp(b.diff),
      ...(failures ? [String(b.failedAttempts), String(b.upstream5xx)] : []),
    ]),
  };
}

function statsNote(s: ShareReport, what: string): Block {
  return {
    kind: 'note',
    tone: s.flagged ? 'bad' : s.exceeded ? 'warn' : 'ok',
    text:
      `${what}: χ² ${s.chiSquare === null ? 'n/a' : `${num(s.chiSquare)} (df ${s.df}), p = ${pValue(s.pValue)}`}; ` +
      `TVD ${num(s.tvd)}; max deviation ${s.maxAbsDeviation === null ? 'n/a' : pct(s.maxAbsDeviation)}` +
      (s.flagged
        ? ` — beyond the model${s.explainedBy ? `; likely cause: ${s.explainedBy}` : '; no tested cause explains it'}`
        : s.exceeded
          ? ' — explained by the number of requests'
          : ''),
  };
}

function causeNotes(s: ShareReport): Block[] {
  return s.causes
    .filter((c) => c.applies || c.cause === 'few-requests')
    .map((c) => ({
      kind: 'note' as const,
      tone:
        c.explains === true ? ('ok' as const) : c.explains === false ? ('dim' as const) : ('warn' as const),
      text: `  ${c.explains === true ? 'explains' : c.explains === false ? 'does not explain' : 'not tested'} — ${c.cause}: ${c.detail}`,
    }));
}

export function renderLogsReport(r: LogsReport, format: LogsFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return `${stringify(r, '')}\n`;
    case 'md':
      return renderBlocksAsMarkdown(logsBlocks(r));
    case 'html':
      return renderBlocksAsHtml(
        logsBlocks(r),
        `slbsim logs: ${r.scenario.name || r.scenario.file}`,
        r.slbsimVersion,
      );
    case 'table':
      return renderBlocksAsText(logsBlocks(r), { color: opts.color ?? false });
  }
}
