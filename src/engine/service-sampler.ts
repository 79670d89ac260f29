/**
 * Service (connection) time draws: constant, exponential or lognormal, in integer µs.
 * Lognormal uses Box–Muller with the second normal cached, so one draw costs one or two uniforms.
 */
import type { Distribution } from '../scenario/scenario-model.js';
import type { RandomStream } from '../util/rng.js';

export class ServiceTimeSampler {
  private spare = Number.NaN;

  constructor(private readonly random: RandomStream) {}

  sample(d: Distribution): number {
    switch (d.kind) {
      case 'constant':
        return d.value;
      case 'exponential':
        return Math.round(-d.mean * Math.log(1 - this.random()));
      case 'lognormal':
        return Math.round(Math.exp(d.mu + d.sigma * this.normal()));
    }
  }

  private normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u = 1 - this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
