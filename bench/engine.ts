/**
 * `npm run bench:engine` — simulated requests per second of the replay engine on the
 * 10-million-request model in bench/engine-10m.yaml (the full `slbsim run` pipeline: engine,
 * journal, report projections), and peak RSS, side by side in the same run with the same model
 * in SimPy 3 (bench/simpy_model.py, Debian package python3-simpy3; skipped with a notice when it
 * is absent). Cases:
 *   wrr             10 M requests, no record
 *   wrr-1m          1 M requests, no record (peak RSS does not grow with the request count)
 *   wlc-exp         wlc with exponential connection times (mean 50 ms), 10 M requests
 *   wrr-parquet     wrr with a Parquet record of every request, 10 M requests
 * Each case runs in its own process so that its peak RSS is its own.
 *
 * Usage: npm run bench:engine [-- --quick]   (--quick: 1/10 of the requests)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChecked, simulate } from '../src/cli/run-pipeline.js';
import type { Scenario } from '../src/scenario/scenario-model.js';

const QUICK = process.argv.includes('--quick');
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const SCENARIO = join(root, 'bench', 'engine-10m.yaml');
const SIMPY_PYTHON = '/usr/bin/python3';

interface CaseResult {
  requests: number;
  seconds: number;
  rate: number;
  rssMb: number;
}

async function runCase(name: string, requests: number): Promise<CaseResult> {
  let scenario: Scenario = loadChecked(SCENARIO, { requests });
  let record: string | undefined;
  let tmp: string | undefined;
  if (name === 'wlc-exp') {
    const traffic = scenario.traffic!;
    scenario = {
      ...scenario,
      traffic: {
        ...traffic,
        service: { ...traffic.service, default: { kind: 'exponential', mean: 50_000 } },
      },
      events: scenario.events.map((e) =>
        e.action === 'CreateLoadBalancerHTTPListener'
          ? { ...e, params: { ...e.params, Scheduler: 'wlc' } }
          : e,
      ),
    };
  }
  if (name === 'wrr-parquet') {
    tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-bench-'));
    record = join(tmp, 'requests.parquet');
  }
  const t0 = process.hrtime.bigint();
  const { report } = await simulate(scenario, { requests, record, label: 'bench/engine-10m.yaml' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const rssMb = process.resourceUsage().maxRSS / 1024;
  return { requests: report.requests, seconds, rate: report.requests / seconds, rssMb };
}

function simpy(requests: number, scheduler: 'wrr' | 'wlc'): CaseResult | null {
  if (!existsSync(SIMPY_PYTHON)) return null;
  try {
    const out = execFileSync(
      SIMPY_PYTHON,
      [join(root, 'bench', 'simpy_model.py'), String(requests), scheduler, '42'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const r = JSON.parse(out) as { requests: number; seconds: number; rate: number };
    return { ...r, rssMb: Number.NaN };
  } catch {
    return null;
  }
}

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) {
  const name = process.argv[caseArg + 1];
  const requests = Number(process.argv[caseArg + 2]);
  process.stdout.write(`${JSON.stringify(await runCase(name, requests))}\n`);
} else {
  const scale = QUICK ? 0.1 : 1;
  const N = Math.round(10_000_000 * scale);
  const self = fileURLToPath(import.meta.url);
  const child = (name: string, requests: number): CaseResult =>
    JSON.parse(
      execFileSync(process.execPath, [self, '--case', name, String(requests)], { encoding: 'utf8' }).trim(),
    ) as CaseResult;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `slbsim engine benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} × ${os.cpus().length}`,
  );
  console.log(
    'model: bench/engine-10m.yaml (1 HTTP listener, 5 rules, 3 groups × 10 backends, Poisson arrivals)\n',
  );
  const rows: Array<[string, CaseResult, CaseResult | null]> = [];
  const simpyN = Math.round(1_000_000 * scale);
  rows.push(['wrr, no record', child('wrr', N), simpy(simpyN, 'wrr')]);
  rows.push(['wrr, no record (1/10 of the requests)', child('wrr', Math.round(N / 10)), null]);
  rows.push(['wlc, exponential connection times', child('wlc-exp', N), simpy(Math.round(simpyN / 2), 'wlc')]);
  rows.push(['wrr, Parquet record', child('wrr-parquet', N), null]);
  const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
  console.log(
    `${'case'.padEnd(40)}  ${'requests'.padStart(10)}  ${'slbsim'.padStart(10)}  ${'peak RSS'.padStart(9)}  ${'SimPy 3'.padStart(10)}  ${'ratio'.padStart(6)}`,
  );
  for (const [what, ours, peer] of rows) {
    console.log(
      `${what.padEnd(40)}  ${String(ours.requests).padStart(10)}  ${fmt(ours.rate).padStart(10)}  ${`${ours.rssMb.toFixed(0)} MB`.padStart(9)}  ${(peer ? fmt(peer.rate) : '').padStart(10)}  ${(peer ? `${(ours.rate / peer.rate).toFixed(1)}×` : '').padStart(6)}`,
    );
  }
  if (!existsSync(SIMPY_PYTHON) || rows.every(([, , p]) => p === null))
    console.log('\nnotice: SimPy 3 not found (apt-get install python3-simpy3): the peer column is empty.');
  else
    console.log(
      `\nSimPy runs ${simpyN} (wrr) and ${Math.round(simpyN / 2)} (wlc) requests of the same model; rates compare.`,
    );
}
