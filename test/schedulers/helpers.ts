import { createScheduler } from '../../src/schedulers/factory.js';
import type { Layer, Scheduler, SchedulerPool } from '../../src/schedulers/scheduler.js';
import type { SchedulerName } from '../../src/topology/types.js';

export function pool(weights: number[], eligible?: number[]): SchedulerPool {
  return {
    keys: weights.map((_, i) => `i-${String.fromCharCode(97 + i)}:80`),
    weights,
    eligible: eligible ?? weights.map(() => 1),
  };
}

export function make(name: SchedulerName, layer: Layer, weights: number[], random?: () => number): Scheduler {
  const s = createScheduler({ name, layer, random });
  s.update(pool(weights));
  return s;
}

export function letters(s: Scheduler, count: number, hash = 0): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const m = s.pick(hash);
    out += m < 0 ? '-' : String.fromCharCode(65 + m);
  }
  return out;
}
