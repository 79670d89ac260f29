import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeastConnections } from '../../src/schedulers/least-conn.js';
import { keysOf, letters, make, pool } from './helpers.js';
import { NginxLeastConn, NginxSwrr } from './reference.js';

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
  it('given sequential requests, then it is smooth WRR (nginx 1.22 live: {4,3,2} → ABCABACBA)', () => {
    expect(sequential([4, 3, 2], 9)).toBe('ABCABACBA');
    expect(sequential([5, 1, 1], 14)).toBe('AABACAAAABACAA');
  });

  it('given sequential requests and any weights, then it equals the SWRR loop', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (w) => {
        const s = make('wlc', 7, w);
        const ref = new NginxSwrr(w);
        for (let i = 0; i < 60; i++) {
          const m = s.pick(0);
          expect(m).toBe(ref.pick());
          s.release(m);
        }
      }),
    );
  });

  it('given connections held open, then it reproduces nginx 1.22 live (lb-algorithms.md §1.3)', () => {
    expect(letters(make('wlc', 7, [4, 3, 2]), 18)).toBe('ABCABCABABACABCABA');
    expect(letters(make('wlc', 7, [5, 1, 1]), 14)).toBe('ABCAAAAACBAAAA');
    expect(letters(make('wlc', 7, [1, 1, 1]), 6)).toBe('ABCCBA');
  });

  it('given any script of opens and closes, then it equals the C-shaped reference', () => {
    const op = fc.oneof(fc.constant<'S'>('S'), fc.constant<'Q'>('Q'), fc.nat(7));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.array(op, { maxLength: 80 }),
        (w, script) => {
          const s = make('wlc', 7, w) as LeastConnections;
          const ref = new NginxLeastConn(w);
          for (const o of script) {
            if (o === 'S' || o === 'Q') {
              const m = s.pick(0);
              expect(m).toBe(ref.pick());
              if (o === 'Q' && m >= 0) {
                s.release(m);
                ref.release(m);
              }
            } else if (o < w.length && ref.conns[o] > 0) {
              s.release(o);
              ref.release(o);
            }
          }
          expect(s.active()).toEqual(ref.conns);
          expect(s.currentWeights()).toEqual(ref.current);
        },
      ),
    );
  });

  it('given a release, then that member is least loaded again', () => {
    const s = make('wlc', 7, [1, 1]);
    expect(letters(s, 2)).toBe('AB');
    s.release(1);
    expect(letters(s, 1)).toBe('B');
    // Tie A:1 B:1 → one SWRR step among the tied: current weights were A −1, B 0 → B.
    expect(s.pick(0)).toBe(1);
  });

  it('given a weight-0 or ineligible member, then it is never picked; nothing eligible → -1', () => {
    expect(letters(make('wlc', 7, [0, 1]), 3)).toBe('BBB');
    const s = new LeastConnections();
    s.update(pool([1, 1, 1], [0, 1, 0]));
    expect(letters(s, 3)).toBe('BBB');
    s.update(pool([1, 1, 1], [0, 0, 0]));
    expect(s.pick(0)).toBe(-1);
  });

  it('given an epoch change, then connection counts and current weights carry over by key', () => {
    const keys = keysOf(3);
    const s = new LeastConnections();
    s.update(pool([1, 1], undefined, keys.slice(0, 2)));
    expect(letters(s, 3)).toBe('ABB'); // A, B, then the tie at 1:1 goes to B by SWRR: A:1 B:2
    expect(s.currentWeights()).toEqual([0, 0]);
    s.update(pool([1, 1, 1], undefined, [keys[1], keys[0], keys[2]]));
    expect(s.active()).toEqual([2, 1, 0]);
    expect(s.connections(0)).toBe(2);
    expect(s.pick(0)).toBe(2);
  });

  it('given a member past 2^24 connections, then it compares in doubles and stays exact', () => {
    // Given one member holding 2^25 + 3 connections (times weight 100, past 2^31: the integer
    // scan would wrap)
    const keys = keysOf(3);
    const s = new LeastConnections();
    s.update(pool([1], undefined, keys.slice(0, 1)));
    const held = 2 ** 25 + 3;
    for (let i = 0; i < held; i++) s.pick(0);
    // When two members join (weights 100 and 3) and requests open and close
    s.update(pool([1, 100, 3], undefined, keys));
    const ref = new NginxLeastConn([1, 100, 3]);
    ref.conns[0] = held;
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 3000; i++) {
      got.push(s.pick(0));
      want.push(ref.pick());
      if (i % 3 === 2) {
        s.release(got[i - 1]);
        ref.release(want[i - 1]);
      }
    }
    // Then every pick is nginx's
    expect(got).toEqual(want);
    expect(s.active()).toEqual(ref.conns);
    expect(s.currentWeights()).toEqual(ref.current);
  });

  it("given weights past 127 (beyond CLB's 100), then it compares in doubles and stays exact", () => {
    // Given a member holding 40 connections, then a member of none joining, both of weight 2^26
    // (40 · 2^26 passes 2^31: the integer scan would take the busy one)
    const keys = keysOf(2);
    const s = new LeastConnections();
    s.update(pool([1], undefined, keys.slice(0, 1)));
    for (let i = 0; i < 40; i++) s.pick(0);
    s.update(pool([2 ** 26, 2 ** 26], undefined, keys));
    const ref = new NginxLeastConn([2 ** 26, 2 ** 26]);
    ref.conns[0] = 40;
    // When 100 more requests open, then each goes where nginx sends it: the idle member first
    const got = Array.from({ length: 100 }, () => s.pick(0));
    expect(got).toEqual(Array.from({ length: 100 }, () => ref.pick()));
    expect(got.slice(0, 40).every((m) => m === 1)).toBe(true);
  });

  it('a release on a member without connections changes nothing', () => {
    const s = make('wlc', 7, [1, 1]) as LeastConnections;
    s.release(1);
    expect(s.active()).toEqual([0, 0]);
  });
});
