/**
 * The live part of a `slbsim live` report, beside the standard report (weight fidelity, rule
 * matches) that the journal projections build: how the load was sent, exact accounting, latency
 * and throughput (autocannon's and the driver's own), the backend-side against the client-side
 * counts, failures attributed to backends, health checks, the timeline as it happened, and the
 * cross-check with the simulation of the same requests.
 *
 * Rendered in every report format: appended to the table and Markdown outputs, as a `live` key
 * of the JSON report, and as a section of the HTML page.
 */
import type { CompareResult } from '../report/distribution-compare.js';
import { type ReportFormat, renderReport } from '../report/render/render-report.js';
import type { Report } from '../report/report-model.js';
import { formatDuration } from '../util/duration.js';
import type { CrossCheck } from './cross-check.js';
import type { LiveRunResult } from './live-run.js';
import type { LatencySummary } from './load-driver.js';

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

/** The live section as plain text (the table format) or Markdown. */
export function renderLiveText(s: LiveSection, markdown: boolean): string {
  const h = (t: string) => (markdown ? `\n## ${t}\n\n` : `\n${t}\n${'─'.repeat(t.length)}\n`);
  const table = (head: string[], rows: (string | number)[][]): string => {
    const cells = [head, ...rows.map((r) => r.map(String))];
    if (markdown) {
      const line = (r: string[]) => `| ${r.join(' | ')} |`;
      return `${[line(cells[0]), line(cells[0].map(() => '---')), ...cells.slice(1).map(line)].join('\n')}\n`;
    }
    const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return `${cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n')}\n`;
  };
  const a = s.accounting;
  let out = h(`Live run${s.partial ? ' (PARTIAL: interrupted)' : ''}`);
  out += `load: ${s.schedule}, ${s.connections} connection(s), ${s.wallSeconds} s wall, ${s.throughput} responses/s\n`;
  out += `accounting: sent ${a.sent} = completed ${a.completed} + failed ${a.failed} + lost ${a.lost} + in flight ${a.inFlight} (${a.balanced ? 'exact' : 'DOES NOT ADD UP'})\n`;
  out += `status codes: ${
    Object.entries(s.status)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none'
  }\n`;
  const p = s.proxy;
  out += `proxies: ${p.arrived} arrived, ${p.ok} ok, ${p.noBackend} 503 no eligible backend, ${p.refused} refused (listener stopped), ${p.backendErrors} backend errors, ${p.retries} retries on another backend${p.badRequest ? `, ${p.badRequest} 400 bad request` : ''}\n`;
  const l = s.latencyUs;
  const ac = s.autocannon.latencyMs;
  out += h('Latency and throughput');
  out += table(
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
  out += `autocannon: ${s.autocannon.total} responses, ${s.autocannon.errors} errors (${s.autocannon.timeouts} timeouts), ${s.autocannon.non2xx} non-2xx; its requests.sent ${s.autocannon.sent} is not used for accounting\n`;
  out += h('Backend side vs client side');
  out += table(
    ['backend', 'backend side', 'client side (X-Backend)', 'failed attempts', 'agree'],
    s.backends.map((b) => [b.backend, b.backendSide, b.clientSide, b.failedAttempts, b.agree ? 'yes' : 'NO']),
  );
  out += s.countsAgree
    ? 'every backend-side count equals its client-side count\n'
    : 'counts differ: responses a backend sent that never reached the client (in flight or cut off at the end, or lost with a killed backend)\n';
  const un = Object.entries(s.unattributed);
  if (un.length > 0)
    out += `responses without X-Backend (from the proxy itself): ${un.map(([k, v]) => `${k}: ${v}`).join(', ')}\n`;
  const hc = s.health;
  out += `health checks: ${hc.probes} probe(s), ${hc.checks} checks, ${hc.failed} failed, ${hc.transitions} verdict change(s); backends answered ${hc.checksServed}\n`;
  if (s.timeline.length > 0 || s.timelineNotReached > 0) {
    out += h('Timeline (as it happened)');
    out += table(
      ['due', 'applied', 'what'],
      s.timeline.map((e) => [
        formatDuration(e.at),
        formatDuration(e.applied),
        e.rejected ? `${e.what} REJECTED ${e.rejected}` : e.what,
      ]),
    );
    if (s.timelineNotReached > 0)
      out += `${s.timelineNotReached} timeline entr(y/ies) not reached before the load ended\n`;
  }
  if (s.crossCheck) {
    const c = s.crossCheck;
    out += h('Cross-check: live vs the simulation of the same requests');
    out += `${c.passed ? 'PASSED' : 'FAILED'}: every backend share within ${c.maxDiff} (simulated ${c.simulated} requests)\n`;
    out += table(
      ['group', 'backend', 'model', 'live', 'model share', 'live share', 'diff'],
      c.groups.flatMap((g) =>
        g.backends.map((b) => [
          g.group,
          b.backend,
          b.countA,
          b.countB,
          b.shareA,
          b.shareB,
          `${b.diff}${b.exceeded ? ' !' : ''}`,
        ]),
      ),
    );
    out += table(
      ['group', 'χ²', 'df', 'p-value', 'TVD', 'max |diff|', 'result'],
      c.groups.map((g) => [
        g.group,
        g.chiSquare ?? '-',
        g.df,
        g.pValue ?? '-',
        g.tvd,
        g.maxAbsDiff,
        g.exceeded ? 'EXCEEDED' : 'ok',
      ]),
    );
    if (c.health.length > 0) {
      out +=
        'health verdicts, live vs model (live checks run at their own phase and time out on a stopped ECS;\n' +
        'the model notices a change after exactly threshold × interval):\n';
      const t = (us: number | null) => (us === null ? '-' : formatDuration(us));
      out += table(
        ['group', 'backend', 'became', 'live', 'model'],
        c.health.map((h) => [h.group, h.backend, h.healthy ? 'healthy' : 'unhealthy', t(h.live), t(h.model)]),
      );
    }
  }
  if (s.journal.dropped > 0)
    out += `${s.journal.dropped} request(s) still open at the end have no journal row\n`;
  if (s.layer4NotDriven.length > 0)
    out += `layer-4 listeners not driven live: ${s.layer4NotDriven.join(', ')}\n`;
  for (const n of s.notes) out += `note: ${n}\n`;
  return out;
}

/** The whole live report in one format. */
export function renderLiveReport(
  report: Report,
  live: LiveSection,
  format: ReportFormat,
  color = false,
): string {
  switch (format) {
    case 'json': {
      const base = JSON.parse(renderReport(report, 'json')) as Record<string, unknown>;
      return `${JSON.stringify({ ...base, live }, null, 2)}\n`;
    }
    case 'html': {
      const html = renderReport(report, 'html');
      const section = `<section id="live"><h2>Live run</h2><pre>${escapeHtml(renderLiveText(live, false))}</pre></section>`;
      const at = html.lastIndexOf('</body>');
      return at < 0 ? html + section : `${html.slice(0, at)}${section}\n${html.slice(at)}`;
    }
    case 'md':
      return `${renderReport(report, 'md')}${renderLiveText(live, true)}`;
    default:
      return `${renderReport(report, 'table', { color })}${renderLiveText(live, false)}`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}
