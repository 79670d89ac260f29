import { describe, expect, it } from 'vitest';
import type { LvsWeightedLeastConnection } from '../../src/schedulers/lvs-wlc.js';
import { LvsWeightedRoundRobin } from '../../src/schedulers/lvs-wrr.js';
import { letters, make, pool } from './helpers.js';

describe('layer-4 wrr (IPVS interleaved WRR)', () => {
  it('reproduces the ip_vs_wrr cycles in list order', () => {
    expect(letters(make('wrr', 4, [4, 3, 2]), 18)).toBe('AABABCABCAABABCABC');
    expect(letters(make('wrr', 4, [5, 1, 1]), 14)).toBe('AAAAABCAAAAABC');
    expect(letters(make('wrr', 4, [1, 1, 1]), 3)).toBe('ABC');
    expect(letters(make('wrr', 4, [4, 2, 2]), 8)).toBe('AABCAABC');
  });
  it('added in the order A, B, C the kernel list is C, B, A (lb-algorithms.md §3.2)', () => {
    // List order C(2), B(3), A(4): letters name list positions, so map back to A/B/C.
    const seq = letters(make('wrr', 4, [2, 3, 4]), 9).replace(
      /[ABC]/g,
      (x) => ({ A: 'C', B: 'B', C: 'A' })[x]!,
    );
    expect(seq).toBe('ABACBACBA');
    const seq2 = letters(make('wrr', 4, [1, 1, 5]), 7).replace(
      /[ABC]/g,
      (x) => ({ A: 'C', B: 'B', C: 'A' })[x]!,
    );
    expect(seq2).toBe('AAAACBA');
  });
  it('on a destination change returns to the list head and keeps the threshold (ip_vs_wrr_dest_changed)', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2]));
    expect(letters(s, 4)).toBe('AABA'); // now in the pass with cw = 2
    expect(s.state.cw).toBe(2);
    s.update(pool([4, 3, 3])); // gcd 1, mw 4, cw stays 2: the cw=2 pass restarts at the head
    expect(letters(s, 6)).toBe('ABCABC');
    expect(letters(s, 4)).toBe('AABC'); // the new cycle: A | ABC | ABC | ABC
  });
  it('resets the threshold to mw when it exceeds the new maximum', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([4, 3, 2]));
    expect(letters(s, 1)).toBe('A');
    s.update(pool([2, 2, 1]));
    expect(letters(s, 5)).toBe('ABABC');
  });
  it('rounds the threshold to the gcd grid when di > 1', () => {
    const s = new LvsWeightedRoundRobin();
    s.update(pool([5, 4, 3]));
    letters(s, 3); // AAB: the cw = 4 pass
    expect(s.state.cw).toBe(4);
    s.update(pool([6, 4, 2])); // di 2, mw 5; cw 4 → (4/2)*2+1 = 5
    expect(s.state.cw).toBe(5);
    expect(letters(s, 6)).toBe('AABABC'); // passes 5: A, 3: AB, 1: ABC
  });
});

describe('layer-4 rr', () => {
  it('rotates over members with weight > 0', () => {
    expect(letters(make('rr', 4, [4, 0, 2]), 4)).toBe('ACAC');
  });
});

describe('layer-4 wlc (IPVS weighted least-connection)', () => {
  it('with connections that never close reproduces lb-algorithms.md §3.3', () => {
    expect(letters(make('wlc', 4, [4, 3, 2]), 18)).toBe('ABCABACBAABCABACBA');
    expect(letters(make('wlc', 4, [1, 1, 1]), 3)).toBe('ABC');
  });
  it('with connections that close at once always picks the first member', () => {
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
  it('counts inactive connections at 1/256 of an active one', () => {
    const s = make('wlc', 4, [1, 1]) as LvsWeightedLeastConnection;
    s.pick(0); // A active
    s.release(0); // A: 0 active, 1 inactive → overhead 1
    expect(s.pick(0)).toBe(1); // B overhead 0 wins
    expect(s.counts()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
  it('never picks a weight-0 member', () => {
    expect(letters(make('wlc', 4, [0, 1]), 3)).toBe('BBB');
  });
});
