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
  private at = AHEAD;

  constructor(private readonly stream: UniformSource) {}

  /** The stream's next uniform. */
  private uniform(): number {
    if (this.at === AHEAD) {
      this.stream.fill(this.ahead);
      this.at = 0;
    }
    return this.ahead[this.at++];
  }

  sample(d: Distribution): number {
    switch (d.kind) {
      case 'constant':
        return d.value;
      case 'exponential':
        return roundHalfUp(-d.mean * Math.log(1 - this.uniform()));
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
