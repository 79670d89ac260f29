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
 *   tcp-wlc-exp     the same backends and arrivals behind TCP listeners (LVS wlc), exponential
 *                   connection times, 10 M requests (bench/engine-tcp-wlc.yaml; every closed
 *                   connection is held as an inactive entry for 120 s, so its RSS grows with the run
 *                   up to 120 simulated seconds)
 * Each case runs in its own process so that its peak RSS is its own, `--rounds` times (default 3;
 * the round of median time is shown, every round's rate beside it).
 *
 * Then the scaling of `slbsim run --workers N` (the built CLI, dist/bin/main.js, as a user runs
 * it: start-up, worker threads, the merge and the report included): the wrr model at 5× the
 * requests (a run long enough that thread start-up is not the figure), --workers 1 against 2,
 * wall time of each, alternated over `--rounds` rounds (default 3), the median shown.
 *
 * Usage: npm run bench:engine [-- --quick] [-- --rounds N] [-- --no-workers | --workers-only]
 *   --quick: 1/10 of the requests; --no-workers: skip the --workers rows; --workers-only: only them
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChecked, simulate } from '../src/cli/run-pipeline.js';
import type { Scenario } from '../src/scenario/scenario-model.js';

const QUICK = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const SCENARIO = join(root, 'bench', 'engine-10m.yaml');
const TCP_SCENARIO = join(root, 'bench', 'engine-tcp-wlc.yaml');
const SIMPY_PYTHON = '/usr/bin/python3';

interface CaseResult {
  requests: number;
  seconds: number;
  rate: number;
  rssMb: number;
}

async function runCase(name: string, requests: number): Promise<CaseResult> {
  let scenario: Scenario = loadChecked(name === 'tcp-wlc-exp' ? TCP_SCENARIO : SCENARIO, { requests });
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
  const label = name === 'tcp-wlc-exp' ? 'bench/engine-tcp-wlc.yaml' : 'bench/engine-10m.yaml';
  const { report } = await simulate(scenario, { requests, record, label });
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
} else if (process.argv.includes('--workers-only')) {
  workerScaling(Math.round(50_000_000 * (QUICK ? 0.1 : 1)));
} else {
  const scale = QUICK ? 0.1 : 1;
  const N = Math.round(10_000_000 * scale);
  const self = fileURLToPath(import.meta.url);
  // Each case `--rounds` times in a fresh process (a shared host's neighbours slow single runs by up
  // to half): the round of median time is shown, and every round's rate beside it.
  const once = (name: string, requests: number): CaseResult =>
    JSON.parse(
      execFileSync(process.execPath, [self, '--case', name, String(requests)], { encoding: 'utf8' }).trim(),
    ) as CaseResult;
  const child = (name: string, requests: number): CaseResult & { rounds: number[] } => {
    const runs = Array.from({ length: ROUNDS }, () => once(name, requests));
    const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
    return { ...sorted[Math.floor(sorted.length / 2)], rounds: runs.map((r) => r.rate) };
  };
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `slbsim engine benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} × ${os.cpus().length}`,
  );
  console.log(
    'model: bench/engine-10m.yaml (1 HTTP listener, 5 rules, 3 groups × 10 backends, Poisson arrivals)\n',
  );
  const rows: Array<[string, CaseResult & { rounds: number[] }, CaseResult | null]> = [];
  const simpyN = Math.round(1_000_000 * scale);
  rows.push(['wrr, no record', child('wrr', N), simpy(simpyN, 'wrr')]);
  rows.push(['wrr, no record (1/10 of the requests)', child('wrr', Math.round(N / 10)), null]);
  rows.push(['wlc, exponential connection times', child('wlc-exp', N), simpy(Math.round(simpyN / 2), 'wlc')]);
  rows.push(['wrr, Parquet record', child('wrr-parquet', N), null]);
  rows.push(['wlc at layer 4 (LVS), exponential times', child('tcp-wlc-exp', N), null]);
  const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
  console.log(
    `${'case'.padEnd(40)}  ${'requests'.padStart(10)}  ${'slbsim'.padStart(10)}  ${'peak RSS'.padStart(9)}  ${'SimPy 3'.padStart(10)}  ${'ratio'.padStart(6)}  rounds (M/s)`,
  );
  for (const [what, ours, peer] of rows) {
    console.log(
      `${what.padEnd(40)}  ${String(ours.requests).padStart(10)}  ${fmt(ours.rate).padStart(10)}  ${`${ours.rssMb.toFixed(0)} MB`.padStart(9)}  ${(peer ? fmt(peer.rate) : '').padStart(10)}  ${(peer ? `${(ours.rate / peer.rate).toFixed(1)}×` : '').padStart(6)}  ${ours.rounds.map((r) => (r / 1e6).toFixed(2)).join(' / ')}`,
    );
  }
  console.log(`\nslbsim: the median of ${ROUNDS} rounds, each case in a process of its own; SimPy: one run.`);
  if (!existsSync(SIMPY_PYTHON) || rows.every(([, , p]) => p === null))
    console.log('\nnotice: SimPy 3 not found (apt-get install python3-simpy3): the peer column is empty.');
  else
    console.log(
      `\nSimPy runs ${simpyN} (wrr) and ${Math.round(simpyN / 2)} (wlc) requests of the same model; rates compare.`,
    );
  if (!process.argv.includes('--no-workers')) workerScaling(Math.round(5 * N));
}

/** `slbsim run --workers 1` against `--workers 2`, wall time per run, alternated, medians. */
function workerScaling(requests: number): void {
  const cli = join(root, 'dist', 'bin', 'main.js');
  if (!existsSync(cli)) {
    console.log('\nnotice: dist/bin/main.js is not built (npm run build): no --workers rows.');
    return;
  }
  // The model's phase lasts 110 s (11 M arrivals at 100 000/s): a copy whose phase holds `requests`.
  const tmp = mkdtempSync(join(os.tmpdir(), 'slbsim-bench-'));
  const scenario = join(tmp, 'engine-workers.yaml');
  const seconds = Math.ceil((1.1 * requests) / 100_000);
  const text = readFileSync(SCENARIO, 'utf8');
  if (!text.includes('duration: 110s'))
    throw new Error(`${SCENARIO}: expected its phase to say duration: 110s`);
  writeFileSync(scenario, text.replace('duration: 110s', `duration: ${seconds}s`));
  const rounds = ROUNDS;
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const outputs: Record<1 | 2, string> = { 1: '', 2: '' };
  for (let r = 0; r < rounds; r++) {
    for (const w of [1, 2] as const) {
      const t0 = process.hrtime.bigint();
      const run = spawnSync(
        process.execPath,
        [
          cli,
          'run',
          scenario,
          '--requests',
          String(requests),
          '--workers',
          String(w),
          '--format',
          'json',
          '--quiet',
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      times[w].push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (run.status !== 0) throw new Error(`slbsim run --workers ${w} failed: ${run.stderr}`);
      const served = (JSON.parse(run.stdout) as { requests: number }).requests;
      if (served !== requests)
        throw new Error(`slbsim run --workers ${w} replayed ${served} requests, not ${requests}`);
      outputs[w] = run.stdout;
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m1 = median(times[1]);
  const m2 = median(times[2]);
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  console.log(
    `\nslbsim run --workers N, wrr model, ${requests} requests, wall time (${rounds} rounds, median):`,
  );
  console.log(
    `  --workers 1   ${m1.toFixed(2)} s   ${(requests / m1 / 1e6).toFixed(2)} M/s   rounds ${list(times[1])}`,
  );
  console.log(
    `  --workers 2   ${m2.toFixed(2)} s   ${(requests / m2 / 1e6).toFixed(2)} M/s   rounds ${list(times[2])}`,
  );
  console.log(
    `  speed-up      ${(m1 / m2).toFixed(2)}×   (reports ${outputs[1] === outputs[2] ? 'byte-identical' : 'DIFFER'})`,
  );
}
