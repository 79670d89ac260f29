/**
 * The plan in the terminal (`table`, the default), as JSON and as Markdown. The text formats are
 * built once as report blocks (`report/render/doc.ts`) and laid out by the report's own
 * renderers; the JSON is the plan object pretty-printed like the report's.
 */
import type { Block, Cell } from '../report/render/doc.js';
import { stringify } from '../report/render/json.js';
import { renderBlocksAsMarkdown } from '../report/render/markdown.js';
import { pct, pp, time } from '../report/render/number-format.js';
import { renderBlocksAsText } from '../report/render/table.js';
import type { ExpectationResult } from '../report/report-model.js';
import type { BeforeAfter, PlanGroup, PlanListener, PlanReport } from './plan-model.js';
import { LISTENER_FALLBACK } from './rule-reachability.js';

export const PLAN_FORMATS = ['table', 'json', 'md'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function isPlanFormat(s: string): s is PlanFormat {
  return (PLAN_FORMATS as readonly string[]).includes(s);
}

export function renderPlan(plan: PlanReport, format: PlanFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return `${stringify(plan, '')}\n`;
    case 'md':
      return renderBlocksAsMarkdown(planBlocks(plan));
    case 'table':
      return renderBlocksAsText(planBlocks(plan), { color: opts.color ?? false });
  }
}

/** `0s`, or `10s–40s` when the change's events are at several times. */
export function changeWhen(p: Pick<PlanReport, 'fromUs' | 'settledUs'>): string {
  return p.fromUs === p.settledUs ? time(p.fromUs) : `${time(p.fromUs)}–${time(p.settledUs)}`;
}

const arrow = <T>(x: BeforeAfter<T>, f: (v: T) => string = String): string =>
  f(x.before) === f(x.after) ? f(x.after) : `${f(x.before)} → ${f(x.after)}`;
const share = (s: number | null): string => (s === null ? '-' : pct(s));
const orNone = (s: string | null): string => s ?? '(none)';

export function planBlocks(p: PlanReport): Block[] {
  const title = p.change.name ?? p.change.file;
  const out: Block[] = [
    { kind: 'title', text: `slbsim plan: ${p.scenario.name || '(unnamed scenario)'} + ${title}` },
    { kind: 'fields', items: header(p) },
    { kind: 'heading', level: 2, text: 'Change' },
    {
      kind: 'table',
      columns: [{ header: 'At', align: 'right' }, { header: 'Action' }, { header: 'Where' }],
      rows: p.change.events.map((e) => [time(e.at), e.action, e.pos]),
    },
  ];
  if (p.emptiedGroups.length > 0)
    out.push({
      kind: 'note',
      tone: 'bad',
      text: `No eligible backend after the change: ${p.emptiedGroups.join('; ')}.`,
    });
  out.push(...groupsOverview(p));
  for (const l of p.listeners) out.push(...listenerBlocks(l));
  for (const g of p.groups) out.push(...groupBlocks(g));
  out.push(...expectationBlocks(p));
  return out;
}

function header(p: PlanReport): [string, Cell][] {
  const items: [string, Cell][] = [
    ['Scenario', p.scenario.file],
    ['Change', p.change.description ? `${p.change.file} — ${p.change.description}` : p.change.file],
    ['Seed', p.seed],
    ['RNG', p.rng],
    ['slbsim', p.slbsimVersion],
    [
      'Compared',
      p.compared === 0
        ? {
            text:
              p.lastRequestUs < 0
                ? 'none: the scenario sends no request'
                : `none: the last request arrives at ${time(p.lastRequestUs)}, before the change (${changeWhen(p)})`,
            tone: 'warn',
          }
        : `${p.compared} requests from ${changeWhen(p)} to ${time(p.lastRequestUs)} (of ${p.requests} in the run)`,
    ],
  ];
  const moved = `${p.moved.count} (${pct(p.moved.fraction)})`;
  items.push([
    'Moved',
    p.maxMoved === null
      ? moved
      : p.moved.fraction > p.maxMoved
        ? { text: `${moved} > --max-moved ${pct(p.maxMoved)}`, tone: 'bad' }
        : { text: `${moved} ≤ --max-moved ${pct(p.maxMoved)}`, tone: 'ok' },
  ]);
  const changed = Object.keys(p.outcomes.after).filter(
    (k) =>
      p.outcomes.before[k as keyof typeof p.outcomes.before] !==
      p.outcomes.after[k as keyof typeof p.outcomes.after],
  );
  items.push([
    'Outcomes',
    changed.length === 0
      ? `unchanged (ok ${p.outcomes.after.ok})`
      : {
          text: changed
            .map(
              (k) =>
                `${k} ${p.outcomes.before[k as keyof typeof p.outcomes.before]} → ${p.outcomes.after[k as keyof typeof p.outcomes.after]}`,
            )
            .join(', '),
          tone: p.outcomes.after.ok < p.outcomes.before.ok ? 'bad' : 'warn',
        },
  ]);
  items.push([
    'Result',
    p.passed ? { text: 'pass', tone: 'ok' } : { text: `FAIL: ${p.failures.join('; ')}`, tone: 'bad' },
  ]);
  return items;
}

function groupId(g: PlanGroup): string {
  return g.VServerGroupId ?? g.MasterSlaveServerGroupId ?? 'default';
}

function groupsOverview(p: PlanReport): Block[] {
  if (p.groups.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Groups' },
    {
      kind: 'table',
      columns: [
        { header: 'Scope' },
        { header: 'Group' },
        { header: 'Requests', align: 'right' },
        { header: 'Moved out', align: 'right' },
        { header: 'Moved in', align: 'right' },
        { header: 'Share shift', align: 'right' },
        { header: 'Eligible', align: 'right' },
      ],
      rows: p.groups.map((g) => {
        const eligible = arrow(g.eligibleMembers, (v) => (v === null ? '-' : String(v)));
        return [
          g.scope,
          groupId(g),
          arrow(g.requests),
          String(g.moved.out),
          String(g.moved.in),
          share(g.shareShift),
          g.eligibleMembers.after === 0 ? { text: eligible, tone: 'bad' } : eligible,
        ];
      }),
    },
  ];
}

function groupBlocks(g: PlanGroup): Block[] {
  const unchanged =
    g.moved.out === 0 &&
    g.moved.in === 0 &&
    g.scheduler.before === g.scheduler.after &&
    g.stickySession.before === g.stickySession.after;
  if (unchanged) return [];
  const id = groupId(g);
  const name = g.groupName && g.groupName !== id ? ` (${g.groupName})` : '';
  const via = g.RuleName ? `rule ${g.RuleName}` : g.source;
  const out: Block[] = [
    { kind: 'heading', level: 2, text: `Group ${id}${name} via ${g.listener} ${via}` },
    {
      kind: 'fields',
      items: [
        ['Scheduler', `${arrow(g.scheduler, orNone)}, session persistence ${arrow(g.stickySession, orNone)}`],
        [
          'Requests',
          `${arrow(g.requests)} (served ${arrow(g.served)}, no eligible backend ${arrow(g.noEligibleBackend)})`,
        ],
        [
          'Moved',
          `${g.moved.out} out${g.moved.fraction === null ? '' : ` (${pct(g.moved.fraction)})`}, ${g.moved.in} in` +
            (g.shareShift === null ? '' : `; the shares shift by ${pct(g.shareShift)}`),
        ],
      ],
    },
  ];
  if (
    g.clients === null &&
    g.shareShift !== null &&
    g.moved.fraction !== null &&
    g.moved.fraction > g.shareShift
  )
    out.push({
      kind: 'note',
      tone: 'dim',
      text:
        `${g.scheduler.after ?? g.scheduler.before} keeps no client on a backend: a request that moves changed its place in the ` +
        `scheduling sequence; the share shift is the traffic that has to move.`,
    });
  if (g.backends.length > 0)
    out.push({
      kind: 'table',
      columns: [
        { header: 'Backend' },
        { header: 'Before', align: 'right' },
        { header: 'After', align: 'right' },
        { header: 'Share before', align: 'right' },
        { header: 'Share after', align: 'right' },
        { header: 'Δ', align: 'right' },
        { header: 'Moved out', align: 'right' },
        { header: 'Moved in', align: 'right' },
      ],
      rows: g.backends.map((b) => [
        `${b.ServerId}:${b.Port}`,
        String(b.count.before),
        String(b.count.after),
        share(b.share.before),
        share(b.share.after),
        b.share.before === null || b.share.after === null ? '-' : pp(b.share.after - b.share.before),
        String(b.moved.out),
        String(b.moved.in),
      ]),
    });
  const c = g.clients;
  if (c !== null)
    out.push({
      kind: 'note',
      tone: c.ideal !== null && c.fraction !== null && c.fraction > c.ideal + 0.05 ? 'warn' : undefined,
      text:
        `Clients (${c.key}): ${c.remapped} of ${c.seen} remapped (${share(c.fraction)}); ` +
        `ideal ${share(c.ideal)} (the weight share that changes hands)`,
    });
  return out;
}

function listenerBlocks(l: PlanListener): Block[] {
  const shownRules = l.rules.filter((r) => r.before !== r.after || r.after !== 'reached');
  if (l.routeChanged.count === 0 && shownRules.length === 0) return [];
  const out: Block[] = [
    {
      kind: 'heading',
      level: 2,
      text: `Listener ${l.listener}: ${l.routeChanged.count} of ${l.requests} requests change route${
        l.routeChanged.fraction === null ? '' : ` (${pct(l.routeChanged.fraction)})`
      }`,
    },
  ];
  if (l.changes.length > 0)
    out.push({
      kind: 'table',
      columns: [
        { header: 'Host' },
        { header: 'Path prefix' },
        { header: 'Before' },
        { header: 'After' },
        { header: 'Requests', align: 'right' },
      ],
      rows: l.changes.map((c) => [c.host || '(none)', c.pathPrefix, c.from, c.to, String(c.count)]),
    });
  if (shownRules.length > 0)
    out.push({
      kind: 'table',
      columns: [{ header: 'Rule' }, { header: 'Match' }, { header: 'Before' }, { header: 'After' }],
      rows: shownRules.map((r) => {
        const after =
          r.after === 'shadowed'
            ? `shadowed by ${r.shadowedBy.map((s) => (s === LISTENER_FALLBACK ? s : `rule ${s}`)).join(', ')}`
            : r.after;
        const bad = (r.after === 'shadowed' || r.after === 'unreachable') && r.before !== r.after;
        return [
          `${r.RuleName} (${r.RuleId})`,
          [r.Domain, r.Url].filter(Boolean).join(' '),
          r.before,
          bad ? { text: after, tone: 'bad' } : after,
        ];
      }),
    });
  return out;
}

function expectationBlocks(p: PlanReport): Block[] {
  const after = p.expectations.after;
  if (after === null) return [];
  const before = p.expectations.before?.results ?? [];
  const verdict = (x: ExpectationResult | undefined): Cell =>
    x === undefined ? '-' : x.passed ? { text: 'pass', tone: 'ok' } : { text: 'FAIL', tone: 'bad' };
  return [
    { kind: 'heading', level: 2, text: 'Expectations after the change' },
    {
      kind: 'table',
      columns: [{ header: 'Before' }, { header: 'After' }, { header: 'Where' }, { header: 'Check (after)' }],
      rows: after.results.map((x, i) => [
        verdict(before[i]),
        verdict(x),
        x.pos,
        x.message.startsWith(`${x.pos}: `) ? x.message.slice(x.pos.length + 2) : x.message,
      ]),
    },
    after.failed === 0
      ? { kind: 'note', tone: 'ok', text: `All ${after.passed} expectation check(s) pass after the change.` }
      : {
          kind: 'note',
          tone: 'bad',
          text: `${after.failed} of ${after.passed + after.failed} expectation check(s) fail after the change.`,
        },
  ];
}
