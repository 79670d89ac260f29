/**
 * Service-time draws: each one is the textbook formula on the stream's next uniform(s), whatever
 * mix of distributions draws from the stream, across the sampler's refills.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceTimeSampler } from '../../src/engine/service-sampler.js';
import type { Distribution } from '../../src/scenario/scenario-model.js';
import { AleaBatch } from '../../src/util/alea-batch.js';

const EXP: Distribution = { kind: 'exponential', mean: 50_000 };
const LOGN: Distribution = { kind: 'lognormal', mu: 10, sigma: 0.5 };
const CONST: Distribution = { kind: 'constant', value: 7_000 };

/** The draws as formulas over one uniform at a time (Box–Muller with its second normal kept). */
function reference(seed: string, kinds: readonly Distribution[]): number[] {
  const stream = new AleaBatch(seed, 'service');
  const buf = new Float64Array(1);
  const next = () => {
    stream.fill(buf);
    return buf[0];
  };
  let spare = Number.NaN;
  return kinds.map((d) => {
    if (d.kind === 'constant') return d.value;
    if (d.kind === 'exponential') return Math.round(-d.mean * Math.log(1 - next()));
    let z: number;
    if (!Number.isNaN(spare)) {
      z = spare;
      spare = Number.NaN;
    } else {
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      z = r * Math.cos(2 * Math.PI * v);
    }
    return Math.round(Math.exp(d.mu + d.sigma * z));
  });
}

describe('ServiceTimeSampler', () => {
  it('given any mix of distributions over one stream, when drawn past several refills, then every draw is the formula', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(EXP, LOGN, CONST), { minLength: 1, maxLength: 900 }), (kinds) => {
        const sampler = new ServiceTimeSampler(new AleaBatch('s1', 'service'));
        expect(kinds.map((d) => sampler.sample(d))).toEqual(reference('s1', kinds));
      }),
      { numRuns: 60 },
    );
  });

  it('given exponential draws only, then 2 000 of them are the formula (the stream ahead computed in batches)', () => {
    const kinds = new Array<Distribution>(2000).fill(EXP);
    const sampler = new ServiceTimeSampler(new AleaBatch('s2', 'service'));
    expect(kinds.map((d) => sampler.sample(d))).toEqual(reference('s2', kinds));
  });
});
