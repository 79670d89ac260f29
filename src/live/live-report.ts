/**
 * The live part of a `slbsim live` report, beside the standard report (weight fidelity, rule
 * matches) that the journal projections build: how the load was sent, exact accounting, latency
 * and throughput (autocannon's and the driver's own), the backend-side against the client-side
 * counts, failures attributed to backends, health checks, the timeline as it happened, and the
 * cross-check with the simulation of the same requests.
 *
 * Rendered in every report format through the report's own document blocks (`liveBlocks`, after
 * the standard report's sections in the table, Markdown and HTML outputs), and as a `live` key of
 * the JSON report.
 */
import type { CompareResult } from '../report/distribution-compare.js';
import type { Block, Cell, Tone } from '../report/render/doc.js';
import { renderHtml } from '../report/render/html.js';
import { renderJsonValue } from '../report/render/json.js';
import { renderBlocksAsMarkdown } from '../report/render/markdown.js';
import type { ReportFormat } from '../report/render/render-report.js';
import { reportBlocks } from '../report/render/sections.js';
import { renderBlocksAsText } from '../report/render/table.js';
import type { LatencySummary, Report } from '../report/report-model.js';
import { formatDuration } from '../util/duration.js';
import type { CrossCheck } from './cross-check.js';
import type { LiveRunResult } from './live-run.js';

export interface BackendAgreement {
  readonly backend: string;
  /** Requests the backend answered (counted by the backend). */
  readonly backendSide: number;
  /** Responses the load driver received with this `X-Backend`. */
  readonly clientSide: number;
  /** Forwarding attempts to it that failed at the proxy (refused, reset, timed out). */
  readonly failedAttempts: number;
  readonly agree: boolean;
}

export interface LiveSection {
  readonly schedule: string;
  readonly connections: number;
  readonly timeScale: number;
  readonly partial: boolean;
  readonly wallSeconds: number;
  /** Completed responses per wall-clock second. */
  readonly throughput: number;
  readonly accounting: {
    readonly sent: number;
    readonly completed: number;
    readonly failed: number;
    readonly lost: number;
    readonly inFlight: number;
    /** sent = completed + failed + lost + inFlight. */
    readonly balanced: boolean;
  };
  readonly status: Readonly<Record<string, number>>;
  readonly proxy: {
    readonly arrived: number;
    readonly ok: number;
    readonly noBackend: number;
    readonly refused: number;
    readonly backendErrors: number;
    readonly retries: number;
    /** 400 before routing (URL matching normalized); only when not zero. */
    readonly badRequest?: number;
  };
  /** Client-side latency measured by the driver (µs, from send to response). */
  readonly latencyUs: LatencySummary;
  readonly autocannon: LiveRunResult['load']['autocannon'];
  readonly backends: readonly BackendAgreement[];
  /** Every backend's two counts agree. */
  readonly countsAgree: boolean;
  readonly unattributed: Readonly<Record<string, number>>;
  readonly health: LiveRunResult['health'] & { readonly checksServed: number };
  readonly timeline: LiveRunResult['timeline'];
  readonly timelineNotReached: number;
  readonly journal: LiveRunResult['journal'];
  readonly layer4NotDriven: readonly string[];
  readonly notes: readonly string[];
  readonly crossCheck: {
    readonly maxDiff: number;
    readonly passed: boolean;
    readonly simulated: number;
    readonly groups: CompareResult['groups'];
    /**
     * Health verdict changes, live vs the model, paired in order per group and backend. Live
     * checks run at their own phase, so a failure is noticed between (threshold − 1) and
     * threshold intervals after it; the model takes the full threshold × interval. Requests in
     * such a gap are where live and model shares legitimately differ.
     */
    readonly health: readonly HealthPair[];
  } | null;
}

export interface HealthPair {
  readonly group: string;
  readonly backend: string;
  readonly healthy: boolean;
  /** Scenario µs; null when only one side changed. */
  readonly live: number | null;
  readonly model: number | null;
}

/**
 * Pair the health verdict changes of two reports, in order per group scope and backend. Both are
 * read the same way, from the epochs a health check started: a member whose eligibility flipped.
 */
export function healthPairs(live: Report, model: Report): HealthPair[] {
  const collect = (r: Report) => {
    const m = new Map<string, { group: string; backend: string; healthy: boolean; times: number[] }>();
    for (const g of r.groups) {
      for (let i = 1; i < g.epochs.length; i++) {
        const e = g.epochs[i];
        if (e.cause !== 'health') continue;
        const before = new Map(g.epochs[i - 1].backends.map((b) => [`${b.ServerId}:${b.Port}`, b.eligible]));
        for (const b of e.backends) {
          const backend = `${b.ServerId}:${b.Port}`;
          const was = before.get(backend);
          if (was === undefined || was === b.eligible || !b.member) continue;
          const k = `${g.scope}\u0000${backend}\u0000${b.eligible}`;
          const entry = m.get(k) ?? {
            group: g.VServerGroupId ?? g.groupName,
            backend,
            healthy: b.eligible,
            times: [],
          };
          entry.times.push(e.fromUs);
          m.set(k, entry);
        }
      }
    }
    return m;
  };
  const a = collect(live);
  const b = collect(model);
  const out: HealthPair[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const la = a.get(k);
    const lb = b.get(k);
    const first = (la ?? lb)!;
    const n = Math.max(la?.times.length ?? 0, lb?.times.length ?? 0);
    for (let i = 0; i < n; i++)
      out.push({
        group: first.group,
        backend: first.backend,
        healthy: first.healthy,
        live: la?.times[i] ?? null,
        model: lb?.times[i] ?? null,
      });
  }
  return out.sort((x, y) => (x.live ?? x.model ?? 0) - (y.live ?? y.model ?? 0));
}

export function liveSection(r: LiveRunResult, cross: CrossCheck | null, report?: Report): LiveSection {
  const a = r.load.accounting;
  const keys = new Set<string>([...r.backendCounts.keys(), ...r.load.clientCounts.keys()]);
  const backends: BackendAgreement[] = [...keys].sort().map((backend) => {
    const backendSide = r.backendCounts.get(backend) ?? 0;
    const clientSide = r.load.clientCounts.get(backend) ?? 0;
    return {
      backend,
      backendSide,
      clientSide,
      failedAttempts: r.failedAttempts.get(backend) ?? 0,
      agree: backendSide === clientSide,
    };
  });
  const notes = [...r.load.notes];
  if (r.load.skipped.size > 0)
    notes.push(
      `not sent (layer-4 listeners are not proxied live): ${[...r.load.skipped].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  if (r.timeScale !== 1)
    notes.push(
      `time scale ${r.timeScale}: scenario time = wall time × ${r.timeScale} (timeline, health checks, service times)`,
    );
  return {
    schedule: r.schedule,
    connections: r.connections,
    timeScale: r.timeScale,
    partial: r.partial,
    wallSeconds: r.load.wallSeconds,
    throughput: r.load.throughput,
    accounting: {
      sent: a.sent,
      completed: a.completed,
      failed: a.failed,
      lost: a.lost,
      inFlight: a.inFlight,
      balanced: a.sent === a.completed + a.failed + a.lost + a.inFlight,
    },
    status: Object.fromEntries(
      [...r.load.statusCounts].sort((x, y) => x[0] - y[0]).map(([k, v]) => [String(k), v]),
    ),
    proxy: {
      arrived: r.proxy.arrived,
      ok: r.proxy.ok,
      noBackend: r.proxy.noBackend,
      refused: r.proxy.refused,
      backendErrors: r.proxy.backendErrors,
      retries: r.proxy.retries,
      ...(r.proxy.badRequest > 0 ? { badRequest: r.proxy.badRequest } : {}),
    },
    latencyUs: r.load.latencyUs,
    autocannon: r.load.autocannon,
    backends,
    countsAgree: backends.every((b) => b.agree),
    unattributed: Object.fromEntries([...r.load.unattributed].map(([k, v]) => [String(k), v])),
    health: { ...r.health, checksServed: r.healthChecksServed },
    timeline: r.timeline,
    timelineNotReached: r.timelineNotReached,
    journal: r.journal,
    layer4NotDriven: r.layer4,
    notes,
    crossCheck:
      cross === null
        ? null
        : {
            maxDiff: cross.compare.maxDiff,
            passed: cross.compare.passed,
            simulated: cross.simulated,
            groups: cross.compare.groups,
            health: report === undefined ? [] : healthPairs(report, cross.simulatedReport),
          },
  };
}

/** The live section as report blocks (rendered by report/render like every other section). */
export function liveBlocks(s: LiveSection): Block[] {
  const out: Block[] = [];
  const heading = (text: string) => out.push({ kind: 'heading', level: 2, text });
  const note = (text: string, tone?: Tone) =>
    out.push(tone ? { kind: 'note', text, tone } : { kind: 'note', text });
  const table = (headers: readonly string[], rows: readonly (readonly (string | number | Cell)[])[]) =>
    out.push({
      kind: 'table',
      columns: headers.map((header, i) => (i === 0 ? { header } : { header, align: 'right' as const })),
      rows: rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c))),
    });
  const a = s.accounting;
  const p = s.proxy;
  heading(`Live run${s.partial ? ' (PARTIAL: interrupted)' : ''}`);
  out.push({
    kind: 'fields',
    items: [
      [
        'load',
        `${s.schedule}, ${s.connections} connection(s), ${s.wallSeconds} s wall, ${s.throughput} responses/s`,
      ],
      [
        'accounting',
        {
          text: `sent ${a.sent} = completed ${a.completed} + failed ${a.failed} + lost ${a.lost} + in flight ${a.inFlight} (${a.balanced ? 'exact' : 'DOES NOT ADD UP'})`,
          tone: a.balanced ? 'ok' : 'bad',
        },
      ],
      [
        'status codes',
        Object.entries(s.status)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ') || 'none',
      ],
      [
        'proxies',
        `${p.arrived} arrived, ${p.ok} ok, ${p.noBackend} 503 no eligible backend, ${p.refused} refused (listener stopped), ${p.backendErrors} backend errors, ${p.retries} retries on another backend${p.badRequest ? `, ${p.badRequest} 400 bad request` : ''}`,
      ],
    ],
  });
  const l = s.latencyUs;
  const ac = s.autocannon.latencyMs;
  heading('Latency and throughput');
  table(
    ['measured by', 'unit', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    [
      ['load driver', 'µs', l.count, l.mean, l.p50, l.p90, l.p99, l.p999, l.max],
      [
        `autocannon (${s.autocannon.instances} instance(s))`,
        'ms',
        ac.count,
        ac.mean,
        ac.p50,
        ac.p90,
        ac.p99,
        ac.p999,
        ac.max,
      ],
    ],
  );
  note(
    `autocannon: ${s.autocannon.total} responses, ${s.autocannon.errors} errors (${s.autocannon.timeouts} timeouts), ${s.autocannon.non2xx} non-2xx; its requests.sent ${s.autocannon.sent} is not used for accounting`,
  );
  heading('Backend side vs client side');
  table(
    ['backend', 'backend side', 'client side (X-Backend)', 'failed attempts', 'agree'],
    s.backends.map((b) => [
      b.backend,
      b.backendSide,
      b.clientSide,
      b.failedAttempts,
      b.agree ? 'yes' : { text: 'NO', tone: 'bad' },
    ]),
  );
  if (s.countsAgree) note('every backend-side count equals its client-side count', 'ok');
  else
    note(
      'counts differ: responses a backend sent that never reached the client (in flight or cut off at the end, or lost with a killed backend)',
      'warn',
    );
  const un = Object.entries(s.unattributed);
  if (un.length > 0)
    note(
      `responses without X-Backend (from the proxy itself): ${un.map(([k, v]) => `${k}: ${v}`).join(', ')}`,
    );
  const hc = s.health;
  note(
    `health checks: ${hc.probes} probe(s), ${hc.checks} checks, ${hc.failed} failed, ${hc.transitions} verdict change(s); backends answered ${hc.checksServed}`,
  );
  if (s.timeline.length > 0 || s.timelineNotReached > 0) {
    heading('Timeline (as it happened)');
    table(
      ['due', 'applied', 'what'],
      s.timeline.map((e) => [
        formatDuration(e.at),
        formatDuration(e.applied),
        e.rejected ? { text: `${e.what} REJECTED ${e.rejected}`, tone: 'bad' } : e.what,
      ]),
    );
    if (s.timelineNotReached > 0)
      note(`${s.timelineNotReached} timeline entr(y/ies) not reached before the load ended`, 'warn');
  }
  if (s.crossCheck) {
    const c = s.crossCheck;
    heading('Cross-check: live vs the simulation of the same requests');
    note(
      `${c.passed ? 'PASSED' : 'FAILED'}: every backend share within ${c.maxDiff} (simulated ${c.simulated} requests)`,
      c.passed ? 'ok' : 'bad',
    );
    table(
      ['group', 'backend', 'model', 'live', 'model share', 'live share', 'diff'],
      c.groups.flatMap((g) =>
        g.backends.map((b) => [
          g.group,
          b.backend,
          b.countA,
          b.countB,
          b.shareA,
          b.shareB,
          b.exceeded ? { text: `${b.diff} !`, tone: 'bad' } : `${b.diff}`,
        ]),
      ),
    );
    table(
      ['group', 'χ²', 'df', 'p-value', 'TVD', 'max |diff|', 'result'],
      c.groups.map((g) => [
        g.group,
        g.chiSquare ?? '-',
        g.df,
        g.pValue ?? '-',
        g.tvd,
        g.maxAbsDiff,
        g.exceeded ? { text: 'EXCEEDED', tone: 'bad' } : 'ok',
      ]),
    );
    if (c.health.length > 0) {
      note(
        'health verdicts, live vs model (live checks run at their own phase and time out on a stopped ECS; ' +
          'the model notices a change after exactly threshold × interval):',
      );
      const t = (us: number | null) => (us === null ? '-' : formatDuration(us));
      table(
        ['group', 'backend', 'became', 'live', 'model'],
        c.health.map((h) => [h.group, h.backend, h.healthy ? 'healthy' : 'unhealthy', t(h.live), t(h.model)]),
      );
    }
  }
  if (s.journal.dropped > 0)
    note(`${s.journal.dropped} request(s) still open at the end have no journal row`);
  if (s.layer4NotDriven.length > 0)
    note(`layer-4 listeners not driven live: ${s.layer4NotDriven.join(', ')}`);
  for (const n of s.notes) note(`note: ${n}`);
  return out;
}

/** The whole live report in one format: the standard report's sections, then the live ones. */
export function renderLiveReport(
  report: Report,
  live: LiveSection,
  format: ReportFormat,
  color = false,
): string {
  switch (format) {
    case 'json':
      return renderJsonValue({ ...report, live });
    case 'html':
      return renderHtml(report, liveBlocks(live));
    case 'md':
      return renderBlocksAsMarkdown([...reportBlocks(report), ...liveBlocks(live)]);
    case 'table':
      return renderBlocksAsText([...reportBlocks(report), ...liveBlocks(live)], { color });
  }
}
