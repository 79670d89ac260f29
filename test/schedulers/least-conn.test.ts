import { describe, expect, it } from 'vitest';
import { LeastConnections } from '../../src/schedulers/least-conn.js';
import { letters, make, pool } from './helpers.js';

function sequential(weights: number[], n: number): string {
  const s = make('wlc', 7, weights);
  let out = '';
  for (let i = 0; i < n; i++) {
    const m = s.pick(0);
    out += String.fromCharCode(65 + m);
    s.release(m);
  }
  return out;
}

describe('layer-7 wlc (nginx least_conn)', () => {
  it('behaves as smooth WRR with sequential requests', () => {
    expect(sequential([4, 3, 2], 9)).toBe('ABCABACBA');
    expect(sequential([5, 1, 1], 7)).toBe('AABACAA');
  });
  it('with connections held open follows least conns per weight, SWRR among ties', () => {
    expect(letters(make('wlc', 7, [4, 3, 2]), 18)).toBe('ABCABCABABACABCABA');
    expect(letters(make('wlc', 7, [5, 1, 1]), 14)).toBe('ABCAAAAACBAAAA');
    expect(letters(make('wlc', 7, [1, 1, 1]), 6)).toBe('ABCCBA');
  });
  it('carries connection counts over an epoch change by member key', () => {
    const s = new LeastConnections();
    s.update(pool([1, 1]));
    s.pick(0);
    s.pick(0);
    s.pick(0); // A, B, then the tie goes to B by SWRR: A:1 B:2
    s.update({ keys: ['i-b:80', 'i-a:80', 'i-c:80'], weights: [1, 1, 1], eligible: [1, 1, 1] });
    expect(s.active()).toEqual([2, 1, 0]);
    expect(s.pick(0)).toBe(2);
  });
});
