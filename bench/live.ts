/**
 * `npm run bench:live` — requests/s and latency percentiles through the slbsim live proxy and
 * through nginx running the exported configuration, in front of the same live backends, with the
 * same autocannon settings, in the same run.
 *
 * Processes (2 cores are shared by all of them, as on the reference machine):
 *   backends    `slbsim live bench/live.yaml --backends-only` (a child process)
 *   load        the autocannon CLI (a child process, one per case)
 *   proxy       slbsim: the live ListenerProxy in this process (routing with the simulation's
 *               Balancer); nginx: an nginx child with `worker_processes 1`.
 * Cases:
 *   direct          autocannon → one backend (the backends' own ceiling, for reference)
 *   nginx           autocannon → nginx (exported config) → backends
 *   slbsim          autocannon → slbsim proxy (no journal) → backends
 *   slbsim+journal  the same with the journal and report projections on, as `slbsim live` runs it
 * The proxy's CPU time per request is measured too (slbsim: this process; nginx: its master and
 * worker from /proc, 10 ms ticks), to say where the time goes.
 *
 * Usage: npm run bench:live [-- --duration 8 --repeat 3 --connections 32 --quick --cases nginx,slbsim]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { journalObserver } from '../src/journal/journal-observer.js';
import { readAddressMap } from '../src/live/address-map.js';
import { LiveClock } from '../src/live/clock.js';
import { JournalSequencer } from '../src/live/journal-sequencer.js';
import { exportNginx } from '../src/live/nginx-export.js';
import { findNginx, NginxProcess } from '../src/live/nginx-process.js';
import { ListenerProxy, ProxyStats } from '../src/live/proxy.js';
import { LiveTemplates } from '../src/live/templates.js';
import { topologySpan } from '../src/live/topology-span.js';
import { UpstreamDirectory } from '../src/live/upstream-directory.js';
import { createReportProjections } from '../src/report/report-projection.js';
import { Balancer } from '../src/routing/balancer.js';
import { loadScenario } from '../src/scenario/load.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const CLI = join(root, 'dist-bench', 'src', 'cli', 'main.js');
const SCENARIO = join(root, 'bench', 'live.yaml');
const AUTOCANNON = join(root, 'node_modules', 'autocannon', 'autocannon.js');
const LISTENER = 'lb-bench:http:80';
const HOST = 'www.example.com';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const QUICK = process.argv.includes('--quick');
const DURATION = arg('--duration', QUICK ? 3 : 8);
const REPEAT = arg('--repeat', QUICK ? 1 : 3);
const CONNECTIONS = arg('--connections', 32);
/** `--cases nginx,slbsim`: run only the cases whose names start with one of these. */
const CASES = (() => {
  const i = process.argv.indexOf('--cases');
  return i >= 0 ? process.argv[i + 1].split(',') : null;
})();
const wanted = (name: string) => CASES === null || CASES.some((c) => name.startsWith(c));

interface CaseResult {
  name: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  total: number;
  errors: number;
  non2xx: number;
  /** Proxy CPU µs per request (slbsim cases). */
  cpuUsPerRequest?: number;
  /** requests/s of every round (the reported figures are the median round's). */
  rounds?: number[];
}

/** The part of autocannon's JSON result the benchmark reads. */
interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; p99_9: number; max: number };
  errors: number;
  non2xx: number;
}

/** Run the autocannon CLI against `url`; resolves with its JSON result. */
function autocannon(url: string, seconds: number): Promise<AutocannonJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', '-H', `host=${HOST}`, url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`autocannon exited ${code}`));
      else resolve(JSON.parse(out));
    });
  });
}

async function measure(name: string, url: string, cpu?: () => number): Promise<CaseResult> {
  await autocannon(url, 1); // warm-up
  const before = cpu?.() ?? 0;
  const r = await autocannon(url, DURATION);
  const used = (cpu?.() ?? 0) - before;
  const total = r.requests.total;
  return {
    name,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    p999: r.latency.p99_9,
    max: r.latency.max,
    total,
    errors: r.errors,
    non2xx: r.non2xx,
    ...(cpu ? { cpuUsPerRequest: Math.round((used / Math.max(1, total)) * 10) / 10 } : {}),
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU time (µs) of a process and its direct children, from /proc (Linux; clock ticks of 10 ms). */
function processTreeCpuMicros(pid: number): number {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(3) ppid(4) … utime(14) stime(15), 1-based in proc(5).
    return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) };
  };
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const t = ticks(stat);
    if (Number(entry) === pid || t.ppid === pid) total += t.cpu;
  }
  return total * 10_000;
}

async function startBackends(dir: string): Promise<{ child: ChildProcess; mapFile: string }> {
  const mapFile = join(dir, 'map.json');
  const child = spawn(process.execPath, [CLI, 'live', SCENARIO, '--backends-only', '--map-out', mapFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let i = 0; i < 200 && !existsSync(mapFile); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(mapFile)) throw new Error('the backends did not start');
  return { child, mapFile };
}

async function main(): Promise<void> {
  const loaded = loadScenario(SCENARIO);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const scenario = loaded.scenario;
  const span = topologySpan(scenario);
  const dir = mkdtempSync(join(os.tmpdir(), 'slbsim-bench-live-'));
  const { child: backends, mapFile } = await startBackends(dir);
  const map = readAddressMap(mapFile);
  const ports = new Map(map.backends.map((b) => [`${b.ServerId}:${b.Port}`, b.port]));
  const results: CaseResult[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    process.stderr.write(
      `backends: ${map.backends.map((b) => `${b.ServerId}:${b.Port}→${b.port}`).join(' ')}\n`,
    );
    // Every target is set up once and stays up (idle) while the others are measured.
    const targets: Array<{ name: string; url: string; cpu?: () => number }> = [];
    if (wanted('direct'))
      targets.push({ name: 'direct (one backend)', url: `http://127.0.0.1:${map.backends[0].port}` });
    const nginxBin = findNginx();
    if (nginxBin && wanted('nginx')) {
      const port = await freePort();
      const { config } = exportNginx(span.initial, { backends: map, listenPortOffset: port - 80 });
      const nginx = await NginxProcess.start(nginxBin, config, [port]);
      cleanups.push(() => nginx.stop());
      const pid = nginx.child.pid;
      targets.push({
        name: 'nginx (exported config)',
        url: `http://127.0.0.1:${port}`,
        ...(pid !== undefined && existsSync('/proc/self/stat')
          ? { cpu: () => processTreeCpuMicros(pid) }
          : {}),
      });
    } else if (!nginxBin) process.stderr.write('notice: nginx is not installed; the nginx case is skipped\n');
    for (const journal of [false, true]) {
      const name = journal ? 'slbsim proxy + journal' : 'slbsim proxy';
      if (!wanted(name)) continue;
      const clock = new LiveClock(1);
      const projections = createReportProjections();
      const seq = journal ? new JournalSequencer([projections.sink]) : null;
      const balancer = new Balancer(span.initial, {
        seed: scenario.seed,
        cluster: scenario.simulation.cluster,
        ruleMatching: scenario.simulation.ruleMatching,
        l4Order: scenario.simulation.l4Order,
        ...(seq
          ? {
              observer: journalObserver(
                (e) => seq.control(e),
                () => clock.now(),
              ),
            }
          : {}),
      });
      const directory = new UpstreamDirectory(balancer, (ServerId, Port) => ports.get(`${ServerId}:${Port}`));
      const stats = new ProxyStats();
      const templates = new LiveTemplates(balancer, seq, clock);
      const proxy = new ListenerProxy(
        { balancer, directory, clock, journal: seq, templates, stats, nextId: 0 },
        LISTENER,
      );
      clock.start();
      const port = await proxy.start(0);
      targets.push({ name, url: `http://127.0.0.1:${port}`, cpu: cpuMicros });
      cleanups.push(async () => {
        await proxy.stop();
        directory.close();
        seq?.end();
        if (seq) {
          const report = projections.build();
          const g = report.groups.find((x) => x.VServerGroupId === 'rsp-web');
          process.stderr.write(
            `${name}: ${report.requests} requests journalled; rsp-web ${g?.backends.map((b) => `${b.ServerId}:${b.Port} ${b.count}`).join(', ')}\n`,
          );
        }
      });
    }
    // Rounds interleave the cases so a noisy neighbour hurts them alike; the median round counts.
    const runs = new Map<string, CaseResult[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= REPEAT; round++) {
      for (const t of targets) {
        const r = await measure(t.name, t.url, t.cpu);
        runs.get(t.name)!.push(r);
        process.stderr.write(`round ${round}/${REPEAT} ${t.name}: ${r.rps} requests/s\n`);
      }
    }
    for (const t of targets) {
      const sorted = [...runs.get(t.name)!].sort((a, b) => a.rps - b.rps);
      results.push({ ...sorted[Math.floor(sorted.length / 2)], rounds: sorted.map((r) => r.rps) });
    }
  } finally {
    for (const c of cleanups.reverse()) await c();
    backends.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }

  const nginx = results.find((r) => r.name.startsWith('nginx'));
  const slbsim = results.find((r) => r.name === 'slbsim proxy');
  const cpu = os.cpus();
  const header = `live benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu[0]?.model ?? 'cpu'} × ${cpu.length}, autocannon -c ${CONNECTIONS} -d ${DURATION}, median of ${REPEAT} round(s)`;
  const lines = [
    header,
    '',
    '| case | requests/s | rounds | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | responses | errors | non-2xx | proxy CPU µs/request |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${(r.rounds ?? []).join(' / ')} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.p999} | ${r.max} | ${r.total} | ${r.errors} | ${r.non2xx} | ${r.cpuUsPerRequest ?? '-'} |`,
    ),
    '',
  ];
  if (slbsim) {
    lines.push(
      `goal ≥ 15000 requests/s through slbsim: ${slbsim.rps >= 15000 ? 'met' : 'NOT met'} (${slbsim.rps})`,
    );
    if (nginx)
      lines.push(
        `goal ≥ half of nginx's rate: ${slbsim.rps >= nginx.rps / 2 ? 'met' : 'NOT met'} (${Math.round((100 * slbsim.rps) / nginx.rps)} % of ${nginx.rps})`,
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'live.json'), `${JSON.stringify({ header, results }, null, 2)}\n`);
  if (existsSync(join(out, 'live.json'))) process.stderr.write(`wrote ${join(out, 'live.json')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:live failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
