/**
 * `slbsim probe`: hold any real load balancer against the model. The scenario's requests for one
 * listener (Host, path, headers, cookies, modelled client) are sent to the target with autocannon;
 * where each went is read from the `X-Backend` header the live backends stamp (start them with
 * `slbsim live --backends-only` and put the balancer in front, e.g. with `slbsim export nginx`).
 * The same requests, in the order they were planned, are replayed by the simulation, and the two
 * per-backend distributions are compared as `slbsim compare` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CompareResult,
  compareDistributions,
  type Distribution,
} from '../report/distribution-compare.js';
import type { Report } from '../report/report-model.js';
import type { Scenario } from '../scenario/scenario-model.js';
import { SINGLE_CLIENT } from '../scenario/traffic-defaults.js';
import { numberToIp } from '../util/ip.js';
import { LiveClock } from './clock.js';
import { simulateTrace } from './cross-check.js';
import { LoadDriver, type LoadResult } from './load-driver.js';
import { RequestPlan } from './request-plan.js';

export interface ProbeOptions {
  readonly scenario: Scenario;
  readonly target: string;
  /** Which listener's requests to send (default: the only HTTP listener of the mix). */
  readonly listener?: string;
  readonly amount: number;
  readonly connections: number;
  readonly rate?: number;
  readonly seed?: string;
  readonly maxDiff: number;
  readonly timeoutS?: number;
}

export interface ProbeResult {
  readonly listener: string;
  readonly target: string;
  readonly seed: string;
  readonly load: LoadResult;
  readonly model: Report;
  /** Per-backend counts, model (a) vs target (b), all groups of the listener together. */
  readonly compare: CompareResult;
}

/** A probe that cannot run as asked (no such listener in the mix…). */
export class ProbeOptionsError extends Error {}

/** The mix listener to probe: the one asked for, or the only HTTP/HTTPS one. */
export function probeListener(scenario: Scenario, asked: string | undefined): string {
  const keys = [...new Set((scenario.traffic?.mix ?? []).map((m) => m.listener))];
  const http = keys.filter((k) => !/:(tcp|udp):/.test(k));
  if (asked !== undefined) {
    if (!keys.includes(asked))
      throw new ProbeOptionsError(
        `--listener ${asked}: not in the scenario's request mix (${keys.join(', ') || 'empty'})`,
      );
    if (!http.includes(asked))
      throw new ProbeOptionsError(`--listener ${asked}: only HTTP/HTTPS listeners can be probed`);
    return asked;
  }
  if (http.length === 0)
    throw new ProbeOptionsError("the scenario's request mix has no HTTP/HTTPS listener to probe");
  if (http.length > 1)
    throw new ProbeOptionsError(
      `the request mix has several HTTP listeners; pick one with --listener (${http.join(', ')})`,
    );
  return http[0];
}

export async function probe(o: ProbeOptions): Promise<ProbeResult> {
  const scenario = o.scenario;
  const seed = o.seed ?? scenario.seed;
  const listener = probeListener(scenario, o.listener);
  const mix = (scenario.traffic?.mix ?? []).filter((m) => m.listener === listener);
  const clients = scenario.traffic?.clients ?? SINGLE_CLIENT;
  const plan = RequestPlan.ofCount(mix, clients, seed, o.amount);
  const driver = new LoadDriver({
    plan,
    targets: new Map([[listener, o.target]]),
    schedule: { kind: 'amount', rate: o.rate },
    connections: Math.min(o.connections, o.amount),
    clients,
    clock: startedClock(),
    timeoutS: o.timeoutS,
  });
  const onSigint = () => driver.stop();
  process.once('SIGINT', onSigint);
  let load: LoadResult;
  try {
    load = await driver.run();
  } finally {
    process.off('SIGINT', onSigint);
  }
  const dir = mkdtempSync(join(tmpdir(), 'slbsim-probe-'));
  try {
    const trace = join(dir, 'trace.ndjson');
    writeFileSync(trace, planTrace(plan));
    const model = simulateTrace(scenario, trace, seed);
    const modelCounts = new Map<string, number>();
    for (const g of model.groups)
      if (g.listener === listener)
        for (const b of g.backends)
          modelCounts.set(
            `${b.ServerId}:${b.Port}`,
            (modelCounts.get(`${b.ServerId}:${b.Port}`) ?? 0) + b.count,
          );
    const group = `all requests to ${listener}`;
    const a: Distribution = new Map([[group, modelCounts]]);
    const b: Distribution = new Map([[group, new Map(load.clientCounts)]]);
    const compare = compareDistributions(a, b, { maxDiff: o.maxDiff }, { a: 'model', b: o.target });
    return { listener, target: o.target, seed, load, model, compare };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function startedClock(): LiveClock {
  const c = new LiveClock(1);
  c.start();
  return c;
}

/** The planned requests as a trace, one µs apart, in plan order. */
function planTrace(plan: RequestPlan): string {
  let out = '';
  for (let j = 0; j < plan.size; j++) {
    const t = plan.mix[plan.template[j]];
    out += `{"t":"${j}us","listener":${JSON.stringify(t.listener)},"host":${JSON.stringify(t.host)},"path":${JSON.stringify(t.path)},"method":${JSON.stringify(t.method)},"clientIp":"${numberToIp(plan.clientIp[j])}","clientPort":${plan.clientPort[j]}}\n`;
  }
  return out;
}

/** The probe result as text (table format) or Markdown. */
export function renderProbe(r: ProbeResult, markdown: boolean): string {
  const a = r.load.accounting;
  const lines: string[] = [];
  const h = (t: string) => lines.push(markdown ? `\n## ${t}\n` : `\n${t}\n${'─'.repeat(t.length)}`);
  h(`Probe of ${r.target} (${r.listener}), seed ${r.seed}`);
  lines.push(
    `sent ${a.sent} = completed ${a.completed} + failed ${a.failed} + lost ${a.lost} + in flight ${a.inFlight}; ${r.load.throughput} responses/s over ${r.load.wallSeconds} s`,
  );
  const l = r.load.latencyUs;
  lines.push(`latency µs: p50 ${l.p50}, p90 ${l.p90}, p99 ${l.p99}, p99.9 ${l.p999}, max ${l.max}`);
  const un = [...r.load.unattributed];
  if (un.length > 0)
    lines.push(`responses without X-Backend: ${un.map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  const c = r.compare;
  h(`Where the requests went: model vs target (max diff ${c.maxDiff})`);
  const rows = c.groups.flatMap((g) =>
    g.backends.map((b) => [b.backend, b.countA, b.countB, b.shareA, b.shareB, b.diff]),
  );
  const head = ['backend', 'model', 'target', 'model share', 'target share', 'diff'];
  if (markdown) {
    lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  } else {
    const cells = [head, ...rows.map((row) => row.map(String))];
    const w = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    for (const row of cells)
      lines.push(row.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  '));
  }
  for (const g of c.groups)
    lines.push(
      `χ² ${g.chiSquare ?? '-'} (df ${g.df}), p-value ${g.pValue ?? '-'}, TVD ${g.tvd}, max |diff| ${g.maxAbsDiff}`,
    );
  lines.push(
    c.passed
      ? 'PASSED: the target follows the model'
      : `FAILED: a backend share differs by more than ${c.maxDiff}`,
  );
  return `${lines.join('\n')}\n`;
}
