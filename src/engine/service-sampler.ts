/**
 * Service (connection) time draws: constant, exponential or lognormal, in integer µs.
 * Lognormal uses Box–Muller with the second normal cached, so one draw costs one or two uniforms.
 */
import type { Distribution } from '../scenario/scenario-model.js';
import { AleaBatch } from '../util/alea-batch.js';
import { roundHalfUp } from '../util/round-half-up.js';
import type { UniformSource } from '../util/uniform-source.js';

/** Uniforms a sampler draws ahead. */
const AHEAD = 256;

export class ServiceTimeSampler {
  private spare = Number.NaN;
  private readonly ahead = new Float64Array(AHEAD);
  /**
   * −ln(1 − u) of each uniform ahead, once an exponential was asked for: computed in the loop that
   * draws them, not at each request (a call out of the engine's request path, with every value it
   * holds saved around it, measured ~50 ns a draw there against ~11 ns in the loop).
   * −mean·ln(1 − u) = mean·(−ln(1 − u)) exactly (a negation is exact), so the draws are the same.
   */
  private readonly exps = new Float64Array(AHEAD);
  private withExps = false;
  private at = AHEAD;

  constructor(private readonly stream: UniformSource) {}

  /** The stream's next uniform. */
  private uniform(): number {
    if (this.at === AHEAD) this.refill();
    return this.ahead[this.at++];
  }

  /** The next uniform's −ln(1 − u) (it takes the uniform). */
  private unitExponential(): number {
    if (this.at === AHEAD) this.refill();
    if (!this.withExps) this.exponentials(this.at);
    return this.exps[this.at++];
  }

  private refill(): void {
    this.stream.fill(this.ahead);
    this.at = 0;
    if (this.withExps) this.exponentials(0);
  }

  /** Fill `exps` from `from` on, and keep it filled from now on. */
  private exponentials(from: number): void {
    this.withExps = true;
    const u = this.ahead;
    const e = this.exps;
    for (let i = from; i < AHEAD; i++) e[i] = -Math.log(1 - u[i]);
  }

  sample(d: Distribution): number {
    switch (d.kind) {
      case 'constant':
        return d.value;
      case 'exponential':
        return roundHalfUp(d.mean * this.unitExponential());
      case 'lognormal':
        return roundHalfUp(Math.exp(d.mu + d.sigma * this.normal()));
    }
  }

  private normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * One service-time stream per scheduling scope and CLB node, `service/<scope key>/<node>`: a
 * scope's connection times depend only on its own requests, never on how other scopes' requests
 * interleave with them — so a change to one listener does not reshuffle another's latencies
 * (`slbsim plan`), and a run cut into shards by scope or node replays exactly (docs/SCALE.md).
 * Samplers are cached per scope index (node 0) and by key for further nodes; a scope that is
 * defined again under the same key (a scheduler change) continues its stream.
 */
export class ServiceStreams {
  private readonly byKey = new Map<string, ServiceTimeSampler>();
  private byScope: (ServiceTimeSampler | undefined)[] = [];

  constructor(private readonly seed: string) {}

  sampler(scope: number, key: string, node: number): ServiceTimeSampler {
    if (node === 0) {
      const cached = this.byScope[scope];
      if (cached !== undefined) return cached;
    }
    const name = `service/${key}/${node}`;
    let s = this.byKey.get(name);
    if (s === undefined) {
      s = new ServiceTimeSampler(new AleaBatch(this.seed, name));
      this.byKey.set(name, s);
    }
    if (node === 0) this.byScope[scope] = s;
    return s;
  }
}
