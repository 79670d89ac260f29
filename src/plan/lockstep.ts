/**
 * Two simulations of one scenario replayed side by side — as it is and with the change — in
 * slices: the before-run advances one slice, the after-run catches up to the same number of
 * requests, and every request both have journaled by then is compared and dropped. Memory stays
 * about one slice of rows, whatever the run's length (10 M requests need no more than 10 k).
 */
import type { Simulation } from '../engine/simulation.js';
import type { JournalSink } from '../journal/journal-batch.js';
import type { RunTap } from './run-tap.js';
import type { TrafficDiff } from './traffic-diff.js';

/** Events per slice of the before-run; the after-run catches up in steps of CATCH_UP. */
const SLICE = 65_536;
const CATCH_UP = 8_192;

/** Subscribe a run's journal to its tap and to further sinks (report projections). */
export function attach(sim: Simulation, sinks: readonly JournalSink[]): void {
  sim.journal$.subscribe({
    next: (batch) => {
      for (const s of sinks) s.onBatch(batch);
    },
    complete: () => {
      for (const s of sinks) s.onEnd?.();
    },
  });
}

/** Replay both runs to their end, comparing every request pair in `diff`. */
export function runLockstep(
  before: Simulation,
  after: Simulation,
  tapBefore: RunTap,
  tapAfter: RunTap,
  diff: TrafficDiff,
): void {
  const drain = (): void => {
    const qb = tapBefore.rows;
    const qa = tapAfter.rows;
    const n = Math.min(qb.size, qa.size);
    for (let i = 0; i < n; i++) {
      const b = qb.slot(i);
      const a = qa.slot(i);
      if (qb.id[b] !== qa.id[a])
        throw new Error(
          `plan: request ${qb.id[b]} of the before-run met request ${qa.id[a]} of the after-run`,
        );
      diff.add(
        qb.t[b],
        qb.template[b],
        qb.listener[b],
        qb.clientIp[b],
        qb.clientPort[b],
        qb.scope[b],
        qb.backend[b],
        qb.outcome[b],
        qb.affinity[b],
        qa.scope[a],
        qa.backend[a],
        qa.outcome[a],
        qa.affinity[a],
      );
    }
    qb.shift(n);
    qa.shift(n);
  };
  while (!before.done) {
    before.run(SLICE);
    while (!after.done && after.progress.requests < before.progress.requests) after.run(CATCH_UP);
    drain();
  }
  while (!after.done) {
    after.run(SLICE);
    drain();
  }
  drain();
  if (tapBefore.rows.size !== 0 || tapAfter.rows.size !== 0)
    throw new Error(
      `plan: the runs made different numbers of requests (${before.progress.requests} before, ${after.progress.requests} after)`,
    );
}
