import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LvsWeightedLeastConnection } from '../../src/schedulers/lvs-wlc.js';
import { LvsWeightedRoundRobin } from '../../src/schedulers/lvs-wrr.js';
import { keysOf, letters, make, picks, pool } from './helpers.js';
import { IpvsWlc, IpvsWrr } from './reference.js';

/** Letters of list positions mapped back to the names of a reversed (kernel-order) list. */
const reversed = (seq: string, n: number) =>
  seq.replace(/[A-Z]/g, (x) => String.fromCharCode(65 + n - 1 - (x.charCodeAt(0) - 65)));

describe('layer-4 wrr (IPVS interleaved WRR)', () => {
  it('given the list-order vectors, then one cycle each (lb-algorithms.md §3.2)', () => {
    expect(letters(make('wrr', 4, [4, 3, 2]), 18)).toBe('AABABCABCAABABCABC');
    expect(letters(make('wrr', 4, [5, 1, 1]), 14)).toBe('AAAAABCAAAAABC');
    expect(letters(make('wrr', 4, [1, 1, 1]), 3)).toBe('ABC');
    expect(letters(make('wrr', 4, [4, 2, 2]), 8)).toBe('AABCAABC');
    expect(make('wrr', 4, [4, 2, 2]).cycleLength).toBe(4);
  });

  it('given servers added A, B, C, then the kernel list is C, B, A (the added-order note)', () => {
    expect(reversed(letters(make('wrr', 4, [2, 3, 4]), 9), 3)).toBe('ABACBACBA');
    expect(reversed(letters(make('wrr', 4, [1, 1, 5]), 7), 3)).toBe('AAAACBA');
  });

  it('given a weight-0 or ineligible member, then it is absent', () => {
    expect(letters(make('wrr', 4, [4, 0, 2]), 6)).toBe('AACAAC'.slice(0, 6));
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2], [1, 0, 1]));
    expect(letters(s, 3)).toBe('AAC');
    expect(make('wrr', 4, [0, 0]).pick(0)).toBe(-1);
  });

  it('given any weights, then it equals ip_vs_wrr_schedule over three cycles', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 10 }), (w) => {
        const ref = new IpvsWrr();
        ref.init(w);
        const s = make('wrr', 4, w);
        const n = 3 * s.cycleLength;
        expect(picks(s, n)).toEqual(Array.from({ length: n }, () => ref.schedule()));
      }),
    );
  });

  it('given a destination change, then the cursor returns to the head and keeps the threshold', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2]));
    expect(letters(s, 4)).toBe('AABA'); // now in the pass with cw = 2
    expect(s.state.cw).toBe(2);
    s.update(pool([4, 3, 3])); // gcd 1, mw 4, cw stays 2: the cw=2 pass restarts at the head
    expect(letters(s, 6)).toBe('ABCABC');
    expect(letters(s, 4)).toBe('AABC'); // the new cycle: A | AB | ABC | ABC
  });

  it('given a threshold above the new mw, then cw = mw', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2]));
    expect(letters(s, 1)).toBe('A');
    s.update(pool([2, 2, 1]));
    expect(s.state).toEqual({ cw: 2, mw: 2, di: 1 });
    expect(letters(s, 5)).toBe('ABABC');
  });

  it('given di > 1, then cw is rounded to (cw/di)·di + 1', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([5, 4, 3]));
    letters(s, 3); // AAB: the cw = 4 pass
    expect(s.state.cw).toBe(4);
    s.update(pool([6, 4, 2])); // di 2, mw 5; cw 4 → (4/2)*2+1 = 5
    expect(s.state).toEqual({ cw: 5, mw: 5, di: 2 });
    expect(letters(s, 6)).toBe('AABABC'); // passes 5: A, 3: AB, 1: ABC
  });

  it('given an epoch with no destination in between, then the next starts with the cw = 0 scan (every member once)', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2]));
    letters(s, 1);
    s.update(pool([4, 3, 2], [0, 0, 0]));
    expect(s.pick(0)).toBe(-1);
    expect(s.state.cw).toBe(0);
    s.update(pool([4, 3, 2]));
    expect(letters(s, 12)).toBe('ABC' + 'AABABCABC');
  });

  it('given the cw = 0 scan ends exactly at the list end, then cw reads 0 until the next pick', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([0]));
    s.update(pool([1, 1, 1]));
    expect(letters(s, 3)).toBe('ABC');
    expect(s.state.cw).toBe(0); // the kernel decrements cw only when the next scan hits the end
    expect(letters(s, 1)).toBe('A');
    expect(s.state.cw).toBe(1);
    const t = new LvsWeightedRoundRobin();
    t.update(pool([0, 0]));
    t.update(pool([2, 1]));
    expect(letters(t, 2)).toBe('AB'); // the cw = 0 scan: every member once
    expect(t.state.cw).toBe(0);
    expect(letters(t, 3)).toBe('AAB');
    expect(t.state.cw).toBe(1);
  });

  it('given a member of weight 0 removed, then the active list is unchanged and the sequence goes on', () => {
    // Regression (the property below, seed 98889524): its change signature counted the weight-0
    // member, so [9, 9, 0] → [9, 9] looked like a change of the kernel's list of active destinations.
    const s = new LvsWeightedRoundRobin();
    const ref = new IpvsWrr();
    s.update(pool([9, 9, 0], undefined, keysOf(3)));
    ref.init([9, 9]);
    for (let k = 0; k < 3; k++) expect(s.pick(0)).toBe(ref.schedule());
    s.update(pool([9, 9], undefined, keysOf(2)));
    expect(s.pick(0)).toBe(ref.schedule());
    expect(s.state.cw).toBe(ref.cw);
  });

  it('given random epochs, then it equals ip_vs_wrr with ip_vs_wrr_dest_changed at every change', () => {
    const epoch = fc.record({
      weights: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }),
      picks: fc.nat(40),
    });
    fc.assert(
      fc.property(fc.array(epoch, { minLength: 1, maxLength: 8 }), (epochs) => {
        const s = new LvsWeightedRoundRobin();
        const ref = new IpvsWrr();
        let previous: string | null = null;
        epochs.forEach(({ weights, picks: count }, e) => {
          const keys = keysOf(weights.length);
          s.update(pool(weights, undefined, keys));
          // The kernel's list holds the active destinations; an unchanged list is no change.
          const active = weights.filter((w) => w > 0);
          const signature = weights.flatMap((w, i) => (w > 0 ? [`${keys[i]}=${w}`] : [])).join(',');
          if (e === 0) ref.init(active);
          else if (signature !== previous) ref.changed(active);
          previous = signature;
          const position = weights.flatMap((w, i) => (w > 0 ? [i] : []));
          for (let k = 0; k < count; k++) {
            const r = ref.schedule();
            expect(s.pick(0)).toBe(r < 0 ? -1 : position[r]);
          }
          expect(s.state.cw).toBe(ref.cw);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe('layer-4 wlc (IPVS weighted least-connection)', () => {
  it('given connections that never close, then lb-algorithms.md §3.3', () => {
    expect(letters(make('wlc', 4, [4, 3, 2]), 18)).toBe('ABCABACBAABCABACBA');
    expect(letters(make('wlc', 4, [5, 1, 1]), 10)).toBe('ABCAAAAABC');
    expect(letters(make('wlc', 4, [1, 1, 1]), 3)).toBe('ABC');
  });

  it('given connections that close and expire at once, then it always picks the first member', () => {
    const s = make('wlc', 4, [4, 3, 2]) as LvsWeightedLeastConnection;
    let out = '';
    for (let i = 0; i < 5; i++) {
      const m = s.pick(0);
      out += String.fromCharCode(65 + m);
      s.release(m);
      s.expire(m);
    }
    expect(out).toBe('AAAAA');
  });

  it('counts an inactive connection at 1/256 of an active one', () => {
    const s = make('wlc', 4, [1, 1]) as LvsWeightedLeastConnection;
    s.pick(0); // A active
    s.release(0); // A: 0 active, 1 inactive → overhead 1
    expect(s.pick(0)).toBe(1); // B overhead 0 wins
    expect(s.counts()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // A: overhead 1, B: 256 → A, twice over: A reaches 257 > 256 only after its active one.
    expect(letters(s, 1)).toBe('A');
    expect(s.counts()).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(letters(s, 1)).toBe('B'); // 257 vs 256
    s.expire(0);
    expect(s.counts()[0]).toEqual([1, 0]);
  });

  it('compares by cross-multiplication: overhead/weight, ties to the earlier member', () => {
    const s = make('wlc', 4, [2, 1]) as LvsWeightedLeastConnection;
    expect(letters(s, 3)).toBe('ABA'); // 0/2=0/1 → A; 256/2 > 0/1 → B; 256/2 < 256/1 → A
    expect(letters(s, 1)).toBe('A'); // 512/2 = 256/1 → tie keeps A
  });

  it('given any script of opens, closes and expiries, then it equals the C-shaped reference', () => {
    // Ops: S opens a connection; c<k> closes one of member k (it turns inactive); e<k> expires one.
    const op = fc.oneof(
      fc.constant<'S'>('S'),
      fc.record({ close: fc.nat(7) }),
      fc.record({ expire: fc.nat(7) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
        fc.array(op, { maxLength: 300 }),
        (w, script) => {
          const s = make('wlc', 4, w) as LvsWeightedLeastConnection;
          const ref = new IpvsWlc(w);
          for (const o of script) {
            if (o === 'S') expect(s.pick(0)).toBe(ref.schedule());
            else if ('close' in o && o.close < w.length) {
              s.release(o.close);
              ref.release(o.close);
            } else if ('expire' in o && o.expire < w.length) {
              s.expire(o.expire);
              ref.expire(o.expire);
            }
          }
          expect(s.counts()).toEqual(w.map((_, i) => [ref.active[i], ref.inactive[i]]));
        },
      ),
    );
  });

  it("given overheads past 2^24 or weights past 127, then it stays the kernel's (64-bit products)", () => {
    // Given a member of 2^17 active connections (overhead 2^25), then a member of weight 2^20
    // joining beside it, with no connections
    const keys = keysOf(2);
    const s = new LvsWeightedLeastConnection();
    s.update(pool([100], undefined, keys.slice(0, 1)));
    const held = 2 ** 17;
    for (let i = 0; i < held; i++) s.pick(0);
    s.update(pool([100, 2 ** 20], undefined, keys));
    const ref = new IpvsWlc([100, 2 ** 20]);
    ref.active[0] = held;
    // When 300 more connections open, then each goes where the kernel sends it
    const got = Array.from({ length: 300 }, () => s.pick(0));
    expect(got).toEqual(Array.from({ length: 300 }, () => ref.schedule()));
    expect(got.slice(0, 100).every((m) => m === 1)).toBe(true);
  });

  it('never picks a weight-0 or ineligible member; nothing eligible → -1', () => {
    expect(letters(make('wlc', 4, [0, 1]), 3)).toBe('BBB');
    const s = new LvsWeightedLeastConnection();
    s.update(pool([1, 1], [1, 0]));
    expect(letters(s, 2)).toBe('AA');
    s.update(pool([1, 1], [0, 0]));
    expect(s.pick(0)).toBe(-1);
  });

  it('given an epoch change, then active and inactive counts carry over by key', () => {
    const keys = keysOf(3);
    const s = new LvsWeightedLeastConnection();
    s.update(pool([1, 1], undefined, keys.slice(0, 2)));
    s.pick(0);
    s.pick(0);
    s.release(1);
    s.update(pool([1, 1, 1], undefined, [keys[2], keys[1], keys[0]]));
    expect(s.counts()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
  });
});
