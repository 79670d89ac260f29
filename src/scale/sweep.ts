/**
 * A sweep: the same scenario once per seed, each run on a worker thread of a piscina pool (the
 * worker is `sweep-worker.ts`), folded into one spread (`spread.ts`). Results are placed by seed
 * index and folded in seed order, so the spread is the same bytes whatever the number of workers
 * and whichever finished first. Each worker returns a run's sample, never its journal: memory per
 * run is a few kilobytes.
 *
 * A sweep over variants (`--vary`, `variants-file.ts`) runs the scenario as is and with each
 * variant's change over the same seeds — the cross product, on the same pool — and folds each
 * variant's runs into its own spread (`variant-spread.ts`).
 */
import { setMaxListeners } from 'node:events';
import type { Scenario } from '../scenario/scenario-model.js';
import { VERSION } from '../util/version.js';
import { workerFile } from '../util/worker-file.js';
import type { RunSample } from './run-sample.js';
import { type Spread, spreadOf } from './spread.js';
import { runSweepTask, type SweepTask } from './sweep-worker.js';
import { type VariantInfo, type VariantSpread, variantSpreadOf } from './variant-spread.js';
import { BASELINE, type VariantsFile } from './variants-file.js';
import { defaultThreads, startWorkerPool } from './worker-pool.js';

export interface SweepOptions {
  /** The seeds to run, in the order to report them (see `parseSeeds`). */
  readonly seeds: readonly string[];
  /** Override the scenario's request count in every run. */
  readonly requests?: number;
  /** Worker threads (default: the number of cores); 0 runs every seed on this thread. */
  readonly workers?: number;
  /** Called after each finished run with the count done so far. */
  readonly onRun?: (done: number, total: number) => void;
  /** Abort the sweep: running workers are stopped and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The worker module (util/worker-file.ts: beside this file when built, else in dist/scale/). */
export function sweepWorkerFile(): string {
  return workerFile(import.meta.url, 'sweep-worker.js');
}

/**
 * Run a loaded, checked scenario (see `loadScenario`, `checkScenario`; `--requests` applied as the
 * runs' `requests`) once per seed. Each worker gets the scenario with its task (plain data,
 * structured-cloned); `file` is its path as the user typed it, which names it in the spread.
 */
export async function sweepScenario(file: string, scenario: Scenario, opts: SweepOptions): Promise<Spread> {
  const tasks: SweepTask[] = opts.seeds.map((seed) => taskOf(scenario, file, seed, opts.requests));
  const samples = await runTasks(tasks, opts);
  return spreadOf(
    {
      slbsimVersion: VERSION,
      scenario: { name: scenario.name, file },
      requests: opts.requests ?? null,
    },
    samples,
  );
}

export interface VariantSweepOptions extends Omit<SweepOptions, 'seeds'> {
  /** The seeds every variant runs with; none: the scenario's own seed. */
  readonly seeds?: readonly string[];
}

/**
 * Run a loaded, checked scenario as is and with each variant's change (every variant checked
 * with `variantRejections`: CLB accepts its events), each over every seed.
 */
export async function sweepVariants(
  file: string,
  scenario: Scenario,
  variants: VariantsFile,
  opts: VariantSweepOptions,
): Promise<VariantSpread> {
  const seeds = opts.seeds ?? [scenario.seed];
  const infos: VariantInfo[] = [
    { name: BASELINE, description: null, source: null, events: 0 },
    ...variants.variants.map((v) => ({
      name: v.name,
      description: v.description,
      source: v.source,
      events: v.change.events.length,
    })),
  ];
  const changes = [undefined, ...variants.variants.map((v) => v.change)];
  const tasks: SweepTask[] = changes.flatMap((change) =>
    seeds.map((seed) => {
      const task = taskOf(scenario, file, seed, opts.requests);
      return change === undefined ? task : { ...task, change };
    }),
  );
  const samples = await runTasks(tasks, opts);
  return variantSpreadOf(
    {
      slbsimVersion: VERSION,
      scenario: { name: scenario.name, file },
      requests: opts.requests ?? null,
      variantsFile: variants.file,
      seedsFrom: opts.seeds === undefined ? 'scenario' : 'option',
    },
    infos,
    infos.map((_, v) => samples.slice(v * seeds.length, (v + 1) * seeds.length)),
  );
}

function taskOf(scenario: Scenario, file: string, seed: string, requests: number | undefined): SweepTask {
  return requests === undefined ? { scenario, file, seed } : { scenario, file, seed, requests };
}

/** Every task's sample, in task order, on this thread or the pool. */
async function runTasks(
  tasks: readonly SweepTask[],
  opts: Omit<SweepOptions, 'seeds'>,
): Promise<RunSample[]> {
  const workers = Math.min(opts.workers ?? defaultThreads(), tasks.length);
  return workers <= 0 ? await inThread(tasks, opts) : await onPool(tasks, workers, opts);
}

async function inThread(
  tasks: readonly SweepTask[],
  opts: Omit<SweepOptions, 'seeds'>,
): Promise<RunSample[]> {
  const samples: RunSample[] = [];
  for (const task of tasks) {
    opts.signal?.throwIfAborted();
    samples.push(await runSweepTask(task));
    opts.onRun?.(samples.length, tasks.length);
  }
  return samples;
}

async function onPool(
  tasks: readonly SweepTask[],
  workers: number,
  opts: Omit<SweepOptions, 'seeds'>,
): Promise<RunSample[]> {
  const pool = startWorkerPool<SweepTask, RunSample>(sweepWorkerFile(), workers);
  // Every queued task listens to the signal: one signal of our own, linked to the caller's.
  const abort = new AbortController();
  setMaxListeners(tasks.length + 1, abort.signal);
  const forward = () => abort.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forward();
  opts.signal?.addEventListener('abort', forward, { once: true });
  const samples: RunSample[] = new Array(tasks.length);
  let done = 0;
  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        samples[i] = await pool.run(task, { signal: abort.signal });
        opts.onRun?.(++done, tasks.length);
      }),
    );
  } finally {
    opts.signal?.removeEventListener('abort', forward);
    await pool.destroy();
  }
  return samples;
}
