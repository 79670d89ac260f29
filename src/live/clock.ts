/**
 * The live run's clock: how scenario time maps to wall-clock time.
 *
 * Scenario time (µs since the run started) = wall-clock time since the start × `scale`. With the
 * default scale 1 a timeline entry at `30s` happens 30 s after the load starts; with `--time-scale
 * 10` it happens after 3 s, and health-check intervals and timeouts shrink by the same factor, so
 * detection delays keep their proportions. Journal rows carry scenario time.
 */
import type { Micros } from '../util/duration.js';

export class LiveClock {
  private t0 = performance.now();
  private started = false;

  constructor(readonly scale = 1) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be > 0, got ${scale}`);
  }

  /** Scenario time 0 is now. Before the first `start`, the clock reads 0 (set-up happens at time 0). */
  start(): void {
    this.t0 = performance.now();
    this.started = true;
  }

  /** Scenario time now, integer µs. */
  now(): Micros {
    return this.started ? Math.floor((performance.now() - this.t0) * 1000 * this.scale) : 0;
  }

  /** Wall-clock milliseconds from now until scenario time `at` (negative when past). */
  msUntil(at: Micros): number {
    return at / 1000 / this.scale - this.elapsedMs();
  }

  /** A scenario duration in seconds as wall-clock milliseconds. */
  secondsToMs(seconds: number): number {
    return (seconds * 1000) / this.scale;
  }

  /** Elapsed wall-clock milliseconds since the start. */
  elapsedMs(): number {
    return this.started ? performance.now() - this.t0 : 0;
  }
}
