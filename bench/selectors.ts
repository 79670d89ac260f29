/**
 * `npm run bench:selectors` — the selector benchmark (issue 3 §4): a list of sections, each a set
 * of measurements shown side by side with a peer measured in the same run. Sections:
 *   - schedulers (bench/schedulers.ts): picks/s of every scheduler at 3, 100 and 1000 members;
 *   - routing (bench/routing.ts): full routing decisions/s (rule match + pick) at 40 rules.
 *
 * Every measurement runs in its own child process (`--case <id>`), so each hot loop stays
 * monomorphic and one case's JIT feedback never slows another's. The child also counts the garbage
 * collections that start while it measures (after set-up): a loop that allocates per pick triggers
 * scavenges every few MB; an allocation-free one triggers none.
 *
 * Usage: npm run bench:selectors [-- --quick] [--section schedulers|routing] [--markdown]
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { routingSection } from './routing.js';
import { schedulerSection } from './schedulers.js';

/** What sections get from the harness. */
export interface Harness {
  /** Run `body(n)` with growing n until one run takes the target time; returns operations/s. */
  measure(body: (n: number) => number): number;
  readonly quick: boolean;
}

/** One line of a section's table: our case, optionally a peer case, and the goals it should meet. */
export interface BenchRow {
  readonly what: string;
  readonly ours: string;
  readonly peer?: string;
  readonly peerName?: string;
  /** Goals (a benchmark, not a test): minimum operations/s and minimum ratio to the peer. */
  readonly goal?: { readonly minOpsPerSec?: number; readonly minRatio?: number };
}

export interface BenchSection {
  readonly name: string;
  readonly title: string;
  /** Measurement id → a function that sets up and measures (run inside a child process). */
  readonly cases: ReadonlyMap<string, () => number>;
  readonly rows: readonly BenchRow[];
  /** Notes printed under the table. */
  readonly notes?: readonly string[];
}

const QUICK = process.argv.includes('--quick');
const TARGET_MS = QUICK ? 150 : 600;

/** performance.now() span of the current case's measurement (after its set-up). */
const measured = { from: Number.POSITIVE_INFINITY, to: Number.NEGATIVE_INFINITY, ops: 0 };

function measure(body: (n: number) => number): number {
  measured.from = Math.min(measured.from, performance.now());
  let n = 100_000;
  let sink = 0;
  sink += body(n); // warm-up
  measured.ops += n;
  for (;;) {
    const t0 = process.hrtime.bigint();
    sink += body(n);
    measured.ops += n;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= TARGET_MS || n >= 2e9) {
      measured.to = performance.now();
      if (sink === 42.5) console.log('');
      return (n / ms) * 1000;
    }
    n = Math.min(2e9, Math.ceil(n * Math.max(2, (TARGET_MS * 1.2) / Math.max(ms, 1))));
  }
}

const harness: Harness = { measure, quick: QUICK };

/** The sections, in print order. */
export const SECTIONS: BenchSection[] = [schedulerSection(harness), routingSection(harness)];

function fmt(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(0)}/s`;
}

function perGc(x: number): string {
  if (!Number.isFinite(x)) return 'no GC';
  const e = Math.floor(Math.log10(x));
  return `${(x / 10 ** e).toFixed(1)}e${e}`;
}

interface CaseResult {
  opsPerSec: number;
  /** Operations per garbage collection during the measurement (Infinity: none). */
  opsPerGc: number;
}

/**
 * Child: run one case, counting the GCs that start while it measures. Prints `opsPerSec opsPerGc`.
 * A loop allocating even 16 bytes per operation scavenges every ~10^5–10^6 operations; stray GCs of
 * the runtime (start-up garbage, compilation) show up as 10^7 and more.
 */
async function runCase(id: string): Promise<void> {
  for (const section of SECTIONS) {
    const run = section.cases.get(id);
    if (!run) continue;
    let gcs = 0;
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        if (e.startTime >= measured.from && e.startTime <= measured.to) gcs++;
    });
    observer.observe({ entryTypes: ['gc'] });
    const ops = run();
    // GC entries are delivered asynchronously, after a short delay.
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    process.stdout.write(`${ops} ${gcs === 0 ? 'Infinity' : measured.ops / gcs}\n`);
    return;
  }
  throw new Error(`unknown case ${id}`);
}

function main(): void {
  const sectionArg = process.argv.indexOf('--section');
  const only = sectionArg > 0 ? process.argv[sectionArg + 1] : undefined;
  const markdown = process.argv.includes('--markdown');
  const self = fileURLToPath(import.meta.url);
  const cache = new Map<string, CaseResult>();
  const run = (id: string): CaseResult => {
    let v = cache.get(id);
    if (v === undefined) {
      const args = [self, '--case', id, ...(QUICK ? ['--quick'] : [])];
      const [ops, opsPerGc] = execFileSync(process.execPath, args, { encoding: 'utf8' })
        .trim()
        .split(' ')
        .map(Number);
      v = { opsPerSec: ops, opsPerGc };
      cache.set(id, v);
    }
    return v;
  };
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `slbsim selector benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} × ${os.cpus().length}${QUICK ? ' (quick)' : ''}`,
  );
  console.log('(operations per second through the public API; each figure from its own process)\n');
  const misses: string[] = [];
  for (const section of SECTIONS) {
    if (only !== undefined && section.name !== only) continue;
    const lines: string[][] = [];
    for (const r of section.rows) {
      const ours = run(r.ours);
      const peer = r.peer === undefined ? undefined : run(r.peer);
      const ratio = peer === undefined ? undefined : ours.opsPerSec / peer.opsPerSec;
      lines.push([
        r.what,
        fmt(ours.opsPerSec),
        peer === undefined ? '' : fmt(peer.opsPerSec),
        ratio === undefined ? '' : `${ratio.toFixed(1)}×`,
        r.peerName ?? '',
        perGc(ours.opsPerGc),
      ]);
      const g = r.goal;
      if (g?.minOpsPerSec !== undefined && ours.opsPerSec < g.minOpsPerSec)
        misses.push(`${r.what}: ${fmt(ours.opsPerSec)} < goal ${fmt(g.minOpsPerSec)}`);
      if (g?.minRatio !== undefined && ratio !== undefined && ratio < g.minRatio)
        misses.push(`${r.what}: ${ratio.toFixed(1)}× ${r.peerName} < goal ${g.minRatio}×`);
    }
    const header = ['case', 'slbsim', 'peer', 'ratio', 'peer is', 'ops/GC'];
    console.log(markdown ? `### ${section.title}\n` : `== ${section.title}`);
    if (markdown) {
      console.log(`| ${header.join(' | ')} |`);
      console.log(`|${header.map((_, i) => (i === 0 || i === 4 ? '---' : '---:')).join('|')}|`);
      for (const l of lines) console.log(`| ${l.join(' | ')} |`);
    } else {
      const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
      const row = (l: string[]) =>
        l.map((x, i) => (i === 0 || i === 4 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
      console.log(row(header));
      for (const l of lines) console.log(row(l));
    }
    for (const note of section.notes ?? []) console.log(markdown ? `\n${note}` : `  ${note}`);
    console.log('');
  }
  console.log(misses.length === 0 ? 'All goals met.' : `Goals missed:\n  ${misses.join('\n  ')}`);
}

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) await runCase(process.argv[caseArg + 1]);
else main();
