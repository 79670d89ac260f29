/**
 * The report laid out as document blocks, in reading order: the run header (seed first among
 * equals), expectation results, rule matching per listener, weight fidelity per group and epoch
 * (with the node × worker breakdown when there is more than one scheduler instance), latency,
 * and the faults and topology changes of the run. Every human-readable format renders these.
 */
import type { EpochReport, GroupReport, ListenerReport, Report } from '../report-model.js';
import type { Block, Cell, Chart, TimelineMarker, Tone } from './doc.js';
import { ms, num, pct, pp, pValue, time } from './number-format.js';

/** p-values below this are flagged (grpc-go's α for weighted round robin, lb-algorithms.md §8). */
const ALPHA = 1e-6;

export function reportBlocks(r: Report): Block[] {
  const out: Block[] = [];
  out.push({ kind: 'title', text: `slbsim report: ${r.scenario.name || '(unnamed scenario)'}` });
  out.push({ kind: 'fields', items: header(r) });
  if (r.partial)
    out.push({
      kind: 'note',
      tone: 'warn',
      text: 'PARTIAL: the run was interrupted before the scenario ended.',
    });
  if (r.shard)
    out.push({
      kind: 'note',
      tone: 'warn',
      text: `SHARD ${r.shard.index} of ${r.shard.count}: only the requests of ${r.shard.units.length} unit(s) of the run (${r.shard.units.join('; ') || 'none'}); expectations are checked on the merged run: slbsim merge <every shard's report.json>`,
    });
  if (r.expectations) out.push(...expectationBlocks(r));
  for (const l of r.listeners) out.push(...listenerBlocks(l, r));
  for (const g of r.groups) out.push(...groupBlocks(g, r));
  out.push(...latencyBlocks(r));
  out.push(...eventBlocks(r));
  return out;
}

function header(r: Report): [string, Cell][] {
  const o = r.outcomes;
  const failed = r.requests - o.ok;
  const items: [string, Cell][] = [
    ['Scenario', r.scenario.file],
    ['Seed', r.seed],
    ['RNG', r.rng],
    ['slbsim', r.slbsimVersion],
    [
      'Options',
      Object.entries(r.options)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' '),
    ],
    [r.options.mode === 'live' ? 'Elapsed' : 'Simulated', time(r.endUs)],
    ['Requests', `${r.requests} (served ${o.ok}, sticky ${r.sticky}, retried ${r.retried})`],
    [
      'Failed',
      failed === 0
        ? { text: '0', tone: 'ok' }
        : {
            text: `${failed} (${Object.entries(o)
              .filter(([k, v]) => k !== 'ok' && v > 0)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`,
            tone: 'bad',
          },
    ],
  ];
  return items;
}

function expectationBlocks(r: Report): Block[] {
  const e = r.expectations!;
  return [
    { kind: 'heading', level: 2, text: 'Expectations' },
    {
      kind: 'table',
      columns: [{ header: 'Result' }, { header: 'Where' }, { header: 'Check' }],
      rows: e.results.map((x) => [
        x.passed ? { text: 'pass', tone: 'ok' } : { text: 'FAIL', tone: 'bad' },
        x.pos,
        x.message.startsWith(`${x.pos}: `) ? x.message.slice(x.pos.length + 2) : x.message,
      ]),
    },
    e.failed === 0
      ? { kind: 'note', tone: 'ok', text: `All ${e.passed} expectation check(s) passed.` }
      : {
          kind: 'note',
          tone: 'bad',
          text: `${e.failed} of ${e.passed + e.failed} expectation check(s) failed.`,
        },
  ];
}

function listenerBlocks(l: ListenerReport, report: Report): Block[] {
  const rows: Cell[][] = [];
  const share = (c: number) => (l.requests > 0 ? pct(c / l.requests) : '-');
  // A fallback is shown when the listener has one (a scope of that kind) or it took requests.
  const has = (source: GroupReport['source'], count: number) =>
    count > 0 || report.groups.some((g) => g.listener === l.listener && g.source === source);
  // The groups behind a fallback, as the listener's scopes name them.
  const groupsOf = (source: GroupReport['source']) =>
    [
      ...new Set(
        report.groups
          .filter((g) => g.listener === l.listener && g.source === source)
          .map((g) => g.VServerGroupId ?? g.MasterSlaveServerGroupId ?? 'default'),
      ),
    ].join(', ');
  const fallbacks: [string, string, number, string][] = [];
  const ms = l.fallbacks.masterSlave;
  if (ms !== null && has('master-slave', ms.count))
    fallbacks.push(['primary/secondary group', 'primary/secondary', ms.count, groupsOf('master-slave')]);
  if (has('listener-vserver-group', l.fallbacks.listenerGroup.count))
    fallbacks.push([
      'listener VServer group',
      'listener group',
      l.fallbacks.listenerGroup.count,
      groupsOf('listener-vserver-group'),
    ]);
  if (has('default-pool', l.fallbacks.defaultPool.count))
    fallbacks.push([
      'default server pool',
      'default pool',
      l.fallbacks.defaultPool.count,
      groupsOf('default-pool'),
    ]);
  for (const r of l.rules)
    rows.push([
      `rule ${r.RuleName} (${r.RuleId})`,
      r.matchKind,
      r.VServerGroupIds.join(', '),
      String(r.count),
      share(r.count),
    ]);
  for (const [label, , count, group] of fallbacks)
    rows.push([label, '-', group, String(count), share(count)]);
  const f = l.failures;
  const failures: [string, number][] = [
    ['no eligible backend', f.noEligibleBackend],
    ['listener stopped', f.listenerStopped],
    ['no such listener', f.noSuchListener],
    ['backend error', f.backendError],
    ['bad request (400)', f.badRequest ?? 0],
  ];
  // Failure reasons: requests refused at the listener, and failures inside the routes above.
  for (const [label, n] of failures)
    if (n > 0) rows.push([{ text: `failed: ${label}`, tone: 'bad' }, '-', '', String(n), share(n)]);
  const chart: Chart = {
    kind: 'rules',
    title: `Rule matching on ${l.listener}`,
    total: l.requests,
    bars: [
      ...l.rules.map((r) => ({ label: `rule ${r.RuleName}`, count: r.count })),
      ...fallbacks.map(([, label, count]) => ({ label, count })),
      ...failures.filter(([, n]) => n > 0).map(([label, n]) => ({ label, count: n, tone: 'bad' as Tone })),
    ],
  };
  return [
    { kind: 'heading', level: 2, text: `Listener ${l.listener} (layer ${l.layer}): ${l.requests} requests` },
    {
      kind: 'table',
      columns: [
        { header: 'Route' },
        { header: 'Match' },
        { header: 'Group' },
        { header: 'Requests', align: 'right' },
        { header: 'Share', align: 'right' },
      ],
      rows,
    },
    { kind: 'chart', chart },
  ];
}

export function groupTitle(g: GroupReport): string {
  const id = g.VServerGroupId ?? g.MasterSlaveServerGroupId ?? 'default server pool';
  const name = g.groupName && g.groupName !== id ? ` (${g.groupName})` : '';
  const via = g.RuleName ? `rule ${g.RuleName} [${g.matchKind}]` : g.source;
  return `Group ${id}${name} via ${g.listener} ${via}`;
}

function groupBlocks(g: GroupReport, r: Report): Block[] {
  const out: Block[] = [
    { kind: 'heading', level: 2, text: groupTitle(g) },
    {
      kind: 'fields',
      items: [
        ['Scheduler', `${g.scheduler} (layer ${g.layer}${g.deterministic ? ', deterministic' : ''})`],
        ['Session persistence', g.stickySession],
        [
          'Requests',
          `${g.requests} (served ${g.served}, sticky ${g.stickyServed}, failed attempts ${g.failed}, no eligible backend ${g.noEligibleBackend})`,
        ],
      ],
    },
  ];
  const empty: string[] = [];
  for (const e of g.epochs) {
    if (e.requests === 0) {
      empty.push(`${e.epoch} (${e.cause}, ${time(e.fromUs)})`);
      continue;
    }
    out.push(...epochBlocks(g, e));
  }
  if (empty.length > 0)
    out.push({ kind: 'note', tone: 'dim', text: `Epochs with no requests: ${empty.join(', ')}.` });
  if (g.epochs.length > 1 && g.served > 0)
    out.push({
      kind: 'table',
      columns: [
        { header: 'Backend (whole run)' },
        { header: 'Count', align: 'right' },
        { header: 'Share', align: 'right' },
        { header: 'Sticky', align: 'right' },
        { header: 'Failed', align: 'right' },
      ],
      rows: g.backends.map((b) => [
        `${b.ServerId}:${b.Port}`,
        String(b.count),
        pct(b.share),
        String(b.sticky),
        String(b.failed),
      ]),
    });
  if (g.health.length > 0)
    out.push({
      kind: 'table',
      columns: [{ header: 'Health check', align: 'right' }, { header: 'Backend' }, { header: 'Verdict' }],
      rows: g.health.map((h) => [
        time(h.t),
        `${h.ServerId}:${h.Port}`,
        h.healthy ? { text: 'healthy', tone: 'ok' } : { text: 'unhealthy', tone: 'bad' },
      ]),
    });
  if (r.timeline.buckets > 1 && g.served > 0) out.push({ kind: 'chart', chart: timelineChart(g, r) });
  return out;
}

function epochBlocks(g: GroupReport, e: EpochReport): Block[] {
  const f = e.fidelity;
  const out: Block[] = [
    {
      kind: 'heading',
      level: 3,
      text: `Epoch ${e.epoch} (${e.cause}) ${time(e.fromUs)}–${time(e.toUs)}: ${e.requests} requests, ${e.served} served`,
    },
    {
      kind: 'table',
      columns: [
        { header: 'Backend' },
        { header: 'Weight', align: 'right' },
        { header: 'Eligible' },
        { header: 'Expected', align: 'right' },
        { header: 'Observed', align: 'right' },
        { header: 'Δ', align: 'right' },
        { header: 'Count', align: 'right' },
        { header: 'Sticky', align: 'right' },
        { header: 'Failed', align: 'right' },
      ],
      rows: e.backends.map((b) => [
        `${b.ServerId}:${b.Port}${b.member ? '' : ' (not a member)'}`,
        String(b.Weight),
        b.eligible ? 'yes' : { text: 'no', tone: 'dim' },
        pct(b.expectedShare),
        pct(b.observedShare),
        e.served > 0 ? pp(b.observedShare - b.expectedShare) : '-',
        String(b.count),
        String(b.sticky),
        b.failed > 0 ? { text: String(b.failed), tone: 'bad' } : '0',
      ]),
    },
  ];
  if (f.chiSquare !== null) {
    const tone: Tone = f.pValue !== null && f.pValue < ALPHA ? 'bad' : 'ok';
    const small = f.minExpected !== null && f.minExpected < 5 ? ' (expected counts < 5: approximate)' : '';
    out.push({
      kind: 'note',
      tone,
      text: `χ² = ${num(f.chiSquare)} (df ${f.df}), p = ${pValue(f.pValue)}${small}; TVD ${num(f.tvd)}; max |Δ| ${pct(f.maxAbsDeviation ?? 0)}`,
    });
  } else if (f.tvd !== null) {
    out.push({
      kind: 'note',
      text: `TVD ${num(f.tvd)}; max |Δ| ${pct(f.maxAbsDeviation ?? 0)} (no χ² test: fewer than two eligible backends)`,
    });
  }
  const s = e.sequence;
  if (s) {
    const cycles =
      s.cyclesExact === null
        ? `no whole cycle of ${s.cycleLength} picks yet`
        : `${s.completeCycles} whole cycle(s) of ${s.cycleLength} picks: ${s.cyclesExact ? 'exact at every boundary' : 'NOT exact'}`;
    out.push({
      kind: 'note',
      tone: s.cyclesExact === false ? 'warn' : s.cyclesExact ? 'ok' : undefined,
      text: `Max prefix discrepancy ${num(s.maxPrefixDiscrepancy)} picks; longest run ${s.longestRun}; ${cycles}.`,
    });
  }
  if (e.instances.length > 1) {
    const seq = g.deterministic;
    out.push({
      kind: 'table',
      columns: [
        { header: 'Node', align: 'right' },
        { header: 'Worker', align: 'right' },
        { header: 'Picks', align: 'right' },
        ...e.backends.map((b) => ({ header: `${b.ServerId}:${b.Port}`, align: 'right' as const })),
        ...(seq
          ? [
              { header: 'Discrepancy', align: 'right' as const },
              { header: 'Run', align: 'right' as const },
              { header: 'Cycles', align: 'right' as const },
              { header: 'Exact' },
            ]
          : []),
      ],
      rows: e.instances.map((x) => [
        String(x.node),
        String(x.worker),
        String(x.picks),
        ...x.counts.map(String),
        ...(seq
          ? [
              num(x.maxPrefixDiscrepancy),
              String(x.longestRun ?? '-'),
              String(x.completeCycles ?? '-'),
              x.cyclesExact === null
                ? '-'
                : x.cyclesExact
                  ? { text: 'yes', tone: 'ok' as Tone }
                  : { text: 'NO', tone: 'warn' as Tone },
            ]
          : []),
      ]),
    });
  }
  out.push({
    kind: 'chart',
    chart: {
      kind: 'shares',
      title: `${groupTitle(g)}, epoch ${e.epoch}: expected vs observed share`,
      bars: e.backends.map((b) => ({
        label: `${b.ServerId}:${b.Port}`,
        expected: b.expectedShare,
        observed: b.observedShare,
      })),
    },
  });
  return out;
}

function timelineChart(g: GroupReport, r: Report): Chart {
  const markers: TimelineMarker[] = [];
  // Every epoch start after the group's first.
  for (const e of g.epochs.slice(1))
    markers.push({ t: e.fromUs, label: `epoch ${e.epoch}: ${e.cause}`, kind: 'epoch' });
  const ids = new Set(g.timeline.backends.map((b) => b.slice(0, b.lastIndexOf(':'))));
  for (const f of r.faults)
    if (ids.has(f.ServerId))
      markers.push({
        t: f.t,
        label: `${f.fault} ${f.ServerId}${f.Port === null ? '' : `:${f.Port}`}`,
        kind: 'fault',
      });
  for (const h of g.health)
    markers.push({
      t: h.t,
      label: `${h.ServerId}:${h.Port} ${h.healthy ? 'healthy' : 'unhealthy'}`,
      kind: 'health',
    });
  return {
    kind: 'timeline',
    title: `${groupTitle(g)}: share over time`,
    bucketUs: r.timeline.bucketUs,
    series: g.timeline.backends,
    counts: g.timeline.served,
    markers: markers.sort((a, b) => a.t - b.t),
  };
}

function latencyBlocks(r: Report): Block[] {
  if (!r.latency) return [];
  const rows: Cell[][] = [];
  const row = (label: string, l: NonNullable<Report['latency']>): Cell[] => [
    label,
    String(l.count),
    ms(l.mean),
    ms(l.p50),
    ms(l.p90),
    ms(l.p99),
    ms(l.p999),
    ms(l.max),
  ];
  rows.push(row('all requests', r.latency));
  for (const l of r.listeners) if (l.latency) rows.push(row(l.listener, l.latency));
  for (const g of r.groups) if (g.latency) rows.push(row(g.scope, g.latency));
  return [
    {
      kind: 'heading',
      level: 2,
      text: r.options.mode === 'live' ? 'Latency (measured at the proxy)' : 'Latency (modelled service time)',
    },
    {
      kind: 'table',
      columns: [
        { header: 'Scope' },
        ...['Count', 'Mean', 'p50', 'p90', 'p99', 'p99.9', 'Max'].map((h) => ({
          header: h,
          align: 'right' as const,
        })),
      ],
      rows,
    },
  ];
}

function eventBlocks(r: Report): Block[] {
  const rows: Cell[][] = [];
  type Ev = { t: number; cells: Cell[] };
  const evs: Ev[] = [];
  for (const f of r.faults)
    evs.push({
      t: f.t,
      cells: [
        time(f.t),
        { text: f.fault, tone: f.fault === 'BackendFailed' ? 'bad' : 'ok' },
        `${f.ServerId}${f.Port === null ? '' : `:${f.Port}`}`,
      ],
    });
  for (const e of r.topologyEvents)
    if (e.t > 0 || e.error !== null)
      evs.push({
        t: e.t,
        cells: [
          time(e.t),
          e.action,
          e.error === null ? 'applied' : { text: `rejected: ${e.error}`, tone: 'bad' },
        ],
      });
  evs.sort((a, b) => a.t - b.t);
  for (const e of evs) rows.push(e.cells);
  if (rows.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Faults and topology changes' },
    {
      kind: 'table',
      columns: [{ header: 'Time', align: 'right' }, { header: 'Event' }, { header: 'Detail' }],
      rows,
    },
  ];
}
