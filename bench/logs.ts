/**
 * `npm run bench:logs` — rows per second of `slbsim logs` on a generated 10-million-row CLB access
 * log (SLS JSON lines, 20 fields as SLS exports them, every value a string, ~470 bytes a row), and
 * its peak RSS, side by side in the same run with the peer a user would reach for instead: DuckDB's
 * `read_json` counting the rows by `upstream_addr` (npm `@duckdb/node-api`, not a dependency of
 * slbsim; skipped with a notice when it is absent). It is found through `SLBSIM_DUCKDB` (the
 * package's directory, e.g. after `mkdir /tmp/duck && cd /tmp/duck && npm i @duckdb/node-api`:
 * `SLBSIM_DUCKDB=/tmp/duck/node_modules/@duckdb/node-api npm run bench:logs`), else from the
 * project (`npm i --no-save @duckdb/node-api`).
 *
 * The log is the example scenario's (scenarios/access-log-check.yaml): one listener, a sticky API
 * rule, a URL rule, three groups; 5 000 rows per second of log time (about 33 one-minute windows),
 * backends drawn by weight from a seeded stream (sticky API clients keep theirs), 20 000 clients.
 * Cases, each in its own process so its peak RSS is its own:
 *   logs        the whole check (read, route, group check, shares per window, causes), the log read
 *               in pieces on two threads (the default for a large log on two cores)
 *   logs-1t     the same on one thread (`threads: 1`)
 *   json-parse  JSON.parse of every line and reading the 13 fields, nothing else (the baseline for
 *               the hand-written scanner in src/logs/log-reader.ts)
 *   duckdb      SELECT upstream_addr, count(*) FROM read_json(…) GROUP BY 1
 *
 * Usage: npm run bench:logs [-- --quick]   (--quick: 1 M rows)
 *        node dist-bench/bench/logs.js --generate <file> [rows]; … --case logs|json-parse|duckdb <file>
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadChecked } from '../src/cli/run-pipeline.js';
import { checkAccessLog } from '../src/logs/check-access-log.js';
import { stream32 } from '../src/util/rng.js';

const QUICK = process.argv.includes('--quick');
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const SCENARIO = join(root, 'scenarios', 'access-log-check.yaml');

interface CaseResult {
  rows: number;
  seconds: number;
  rate: number;
  /** CPU seconds of the case (all threads), and rows per CPU second: steadier on a shared host. */
  cpuSeconds: number;
  cpuRate: number;
  rssMb: number;
}

const WEB = ['172.16.1.11:8080', '172.16.1.12:8080', '172.16.1.13:8080'];
const WEB_W = [100, 100, 50];
const API = ['172.16.2.21:9000', '172.16.2.22:9000', '172.16.2.23:9000'];
const IMG = ['172.16.3.31:8000', '172.16.3.32:8000'];

/** Write `rows` SLS rows to `file`. */
function generate(file: string, rows: number): void {
  const rnd = stream32('bench', 'log');
  const fd = openSync(file, 'w');
  const base = Date.parse('2024-05-06T10:00:00+08:00');
  const clients = 20_000;
  const apiOf = new Int8Array(clients).fill(-1);
  let out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const sec = Math.floor(i / 5000);
    const time = `${new Date(base + sec * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
    const c = Math.floor(rnd() * clients);
    const ip = `10.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`;
    const kind = rnd();
    let host: string;
    let uri: string;
    let up: string;
    if (kind < 0.5) {
      host = 'www.shop.example.com';
      uri = `/?utm=mail&p=${i % 97}`;
      const x = rnd() * 250;
      up = WEB[x < WEB_W[0] ? 0 : x < WEB_W[0] + WEB_W[1] ? 1 : 2];
    } else if (kind < 0.8) {
      host = 'api.shop.example.com';
      uri = `/v2/cart/${i % 1000}`;
      if (apiOf[c] < 0) apiOf[c] = Math.floor(rnd() * 3);
      up = API[apiOf[c]];
    } else {
      host = 'www.shop.example.com';
      uri = `/images/p${i % 500}.jpg`;
      up = IMG[rnd() < 0.5 ? 0 : 1];
    }
    out.push(
      `{"__topic__":"slb_layer7_access_log","time":"${time}","slbid":"lb-shop","vip_addr":"10.254.0.1","slb_vport":"80","scheme":"http","server_protocol":"HTTP/1.1","request_method":"GET","host":"${host}","http_host":"${host}","request_uri":"${uri}","client_ip":"${ip}","client_port":"${40000 + (i % 20000)}","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64)","status":"200","upstream_addr":"${up}","upstream_status":"200","upstream_response_time":"0.012","request_time":"0.013","body_bytes_sent":"5120"}`,
    );
    if (out.length === 10_000) {
      writeSync(fd, `${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length > 0) writeSync(fd, `${out.join('\n')}\n`);
  closeSync(fd);
}

const FIELDS = [
  'time',
  'slbid',
  'slb_vport',
  'scheme',
  'http_host',
  'host',
  'request_uri',
  'client_ip',
  'client_port',
  'upstream_addr',
  'status',
  'upstream_status',
  '__time__',
];

async function runCase(name: string, file: string): Promise<CaseResult> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let rows = 0;
  if (name === 'logs' || name === 'logs-1t') {
    const scenario = loadChecked(SCENARIO, {});
    const report = await checkAccessLog(scenario, [file], {
      maxDiff: 0.02,
      alpha: 0.001,
      windowMs: 60_000,
      cluster: { nodes: 4, workers: 8 },
      list: 1000,
      scenarioLabel: 'scenarios/access-log-check.yaml',
      ...(name === 'logs-1t' ? { threads: 1 as const } : {}),
    });
    rows = report.rows;
  } else if (name === 'json-parse') {
    const fd = openSync(file, 'r');
    const buf = Buffer.allocUnsafe(4 << 20);
    let tail = '';
    let sink = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = tail + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      for (const l of lines) {
        const o = JSON.parse(l) as Record<string, unknown>;
        for (const f of FIELDS) if (o[f] !== undefined) sink++;
        rows++;
      }
    }
    closeSync(fd);
    if (sink < 0) console.log(sink);
  } else if (name === 'duckdb') {
    const { DuckDBInstance } = (await loadDuckdb()) as {
      DuckDBInstance: {
        create(path: string): Promise<{
          connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> }>;
        }>;
      };
    };
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const r = await con.runAndReadAll(
      `SELECT upstream_addr, count(*) AS n FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited') GROUP BY 1`,
    );
    for (const row of r.getRows()) rows += Number(row[1]);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  return { rows, seconds, rate: rows / seconds, cpuSeconds, cpuRate: rows / cpuSeconds, rssMb };
}

/** `@duckdb/node-api` from `SLBSIM_DUCKDB` (its directory), else as the project resolves it. */
async function loadDuckdb(): Promise<unknown> {
  const dir = process.env.SLBSIM_DUCKDB;
  if (dir === undefined || dir === '') return import('@duckdb/node-api' as string);
  const entry = createRequire(import.meta.url).resolve(resolve(dir));
  return import(pathToFileURL(entry).href);
}

async function duckdbAvailable(): Promise<boolean> {
  try {
    await loadDuckdb();
    return true;
  } catch {
    return false;
  }
}

const caseArg = process.argv.indexOf('--case');
const genArg = process.argv.indexOf('--generate');
if (genArg > 0) {
  // Write the log only (for profiling one case: --generate <file> [rows], then --case logs <file>).
  generate(process.argv[genArg + 1], Number(process.argv[genArg + 2] ?? 1_000_000));
} else if (caseArg > 0) {
  process.stdout.write(
    `${JSON.stringify(await runCase(process.argv[caseArg + 1], process.argv[caseArg + 2]))}\n`,
  );
} else {
  const N = QUICK ? 1_000_000 : 10_000_000;
  const dir = mkdtempSync(join(os.tmpdir(), 'slbsim-bench-logs-'));
  try {
    const file = join(dir, 'access.jsonl');
    const g0 = Date.now();
    generate(file, N);
    const bytes = statSync(file).size;
    const self = fileURLToPath(import.meta.url);
    const child = (name: string): CaseResult =>
      JSON.parse(
        execFileSync(process.execPath, [self, '--case', name, file], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        }).trim(),
      ) as CaseResult;
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      `slbsim logs benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} × ${os.cpus().length}`,
    );
    console.log(
      `log: ${N} rows, ${(bytes / 1e9).toFixed(2)} GB (${(bytes / N).toFixed(0)} bytes a row), generated in ${((Date.now() - g0) / 1000).toFixed(0)} s; scenario scenarios/access-log-check.yaml\n`,
    );
    const ours = child('logs');
    const oursOne = child('logs-1t');
    const parse = child('json-parse');
    const duck = (await duckdbAvailable()) ? child('duckdb') : null;
    const fmt = (x: number) =>
      x >= 1e6 ? `${(x / 1e6).toFixed(2)} M rows/s` : `${(x / 1e3).toFixed(0)} k rows/s`;
    const line = (what: string, r: CaseResult) =>
      console.log(
        `${what.padEnd(52)}  ${String(r.rows).padStart(9)}  ${fmt(r.rate).padStart(15)}  ${`${r.seconds.toFixed(1)} s`.padStart(8)}  ${fmt(r.cpuRate).padStart(15)}  ${`${r.cpuSeconds.toFixed(1)} s`.padStart(8)}  ${`${r.rssMb.toFixed(0)} MB`.padStart(8)}`,
      );
    console.log(
      `${'case'.padEnd(52)}  ${'rows'.padStart(9)}  ${'wall rate'.padStart(15)}  ${'wall'.padStart(8)}  ${'per CPU second'.padStart(15)}  ${'CPU'.padStart(8)}  ${'peak RSS'.padStart(8)}`,
    );
    line('slbsim logs (whole check, 2 threads)', ours);
    line('slbsim logs (whole check, 1 thread)', oursOne);
    line('JSON.parse per line + 13 fields (baseline, no check)', parse);
    if (duck) {
      line('DuckDB read_json, count by upstream_addr', duck);
      console.log(
        `\nslbsim logs / DuckDB: ${(ours.rate / duck.rate).toFixed(2)}× the rows per wall-clock second, ${(ours.cpuRate / duck.cpuRate).toFixed(2)}× per CPU second (DuckDB reads with every core)`,
      );
      console.log(
        `load average at the end: ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')} on ${os.cpus().length} cores`,
      );
    } else
      console.log(
        `\nnotice: @duckdb/node-api ${process.env.SLBSIM_DUCKDB ? `not found at SLBSIM_DUCKDB=${process.env.SLBSIM_DUCKDB}` : 'is not installed'} (SLBSIM_DUCKDB=<dir of @duckdb/node-api>, or npm i --no-save @duckdb/node-api): the DuckDB row is missing.`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
