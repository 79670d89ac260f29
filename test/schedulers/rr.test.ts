import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/schedulers/factory.js';
import { draw31 } from '../../src/schedulers/pool.js';
import type { Layer } from '../../src/schedulers/scheduler.js';
import { stream } from '../../src/util/rng.js';
import { countsOf, keysOf, letters, make, picks, pool } from './helpers.js';

describe.each([7, 4] as Layer[])('layer-%i rr', (layer) => {
  it('given weights, then it rotates over the members and ignores the weights', () => {
    expect(letters(make('rr', layer, [5, 1, 1]), 6)).toBe('ABCABC');
    expect(make('rr', layer, [5, 1, 1]).cycleLength).toBe(3);
  });

  it('given a weight-0 or ineligible member, then it is skipped', () => {
    expect(letters(make('rr', layer, [4, 0, 2]), 4)).toBe('ACAC');
    const s = createScheduler({ name: 'rr', layer });
    s.update(pool([1, 1, 1], [1, 0, 1]));
    expect(letters(s, 4)).toBe('ACAC');
  });

  it('given nothing eligible, then -1', () => {
    expect(make('rr', layer, [0, 0]).pick(0)).toBe(-1);
  });

  it('gives each active member one pick per cycle of n, for any weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 10 }), (w) => {
        const s = make('rr', layer, w);
        const n = w.filter((x) => x > 0).length;
        expect(countsOf(picks(s, 2 * n), w.length)).toEqual(w.map((x) => (x > 0 ? 2 : 0)));
      }),
    );
  });

  it('given a member goes down after being picked, then the rotation continues after it', () => {
    const s = make('rr', layer, [1, 1, 1, 1]);
    expect(letters(s, 2)).toBe('AB');
    s.update(pool([1, 1, 1, 1], [1, 0, 1, 1]));
    expect(letters(s, 4)).toBe('CDAC');
    s.update(pool([1, 1, 1, 1])); // B back: after C comes D
    expect(letters(s, 4)).toBe('DABC');
  });

  it('given the last-picked member is removed, then the rotation continues with its successor (ip_vs_rr_del_dest)', () => {
    const keys = keysOf(4);
    const s = createScheduler({ name: 'rr', layer });
    s.update(pool([1, 1, 1, 1], undefined, keys));
    expect(letters(s, 2)).toBe('AB');
    s.update(pool([1, 1, 1], undefined, [keys[0], keys[2], keys[3]])); // B deleted
    expect(letters(s, 3)).toBe('BCA'); // old C, D, A
  });

  it('given a member is added in front (IPVS head insertion), then the cursor stays on the last pick', () => {
    const keys = keysOf(3);
    const s = createScheduler({ name: 'rr', layer });
    s.update(pool([1, 1, 1], undefined, keys));
    expect(letters(s, 1)).toBe('A');
    s.update(pool([1, 1, 1, 1], undefined, ['i-new:80', ...keys]));
    expect(letters(s, 4)).toBe('CDAB'); // old B, C, then the new head, then old A
  });

  it('given an update with the same active set, then nothing changes', () => {
    const s = make('rr', layer, [1, 1, 1, 0]);
    expect(letters(s, 2)).toBe('AB');
    s.update(pool([1, 1, 1, 0], [1, 1, 1, 0]));
    expect(letters(s, 2)).toBe('CA');
  });
});

describe('rr: cluster mode', () => {
  it('layer 7: the first pick is init_number = random() % n, then plain rotation', () => {
    const init = draw31(stream('9', 'x')) % 5;
    const s = make('rr', 7, [1, 1, 1, 1, 1], stream('9', 'x'));
    expect(picks(s, 7)).toEqual(Array.from({ length: 7 }, (_, i) => (init + i) % 5));
  });

  it('layer 4: LVS has no random start (the stream is ignored)', () => {
    const s = createScheduler({ name: 'rr', layer: 4, random: stream('9', 'x') });
    s.update(pool([1, 1, 1]));
    expect(letters(s, 3)).toBe('ABC');
  });
});
