import { describe, expect, it } from 'vitest';
import { SourceIpPersistence, StickyCookies, stickyCookieValue } from '../../src/schedulers/sticky.js';
import { keysOf, pool } from './helpers.js';

describe('layer-7 sticky cookies', () => {
  it('names a member by the lowercase hex MD5 of its key (Tengine session_sticky hash=md5)', () => {
    expect(stickyCookieValue('127.0.0.1:18081')).toBe('7f3797d6a7e152c9ae2760fc816c6014');
  });

  it('given a cookie naming an eligible member, then that member; unknown or absent → -1', () => {
    const c = new StickyCookies();
    c.update(pool([1, 1, 1]));
    const v = c.valueOf(1);
    expect(v).toBe(stickyCookieValue(keysOf(3)[1]));
    expect(c.lookup(v)).toBe(1);
    expect(c.lookup('0123456789abcdef0123456789abcdef')).toBe(-1);
    expect(c.lookup(undefined)).toBe(-1);
  });

  it('given the named member is unhealthy or at weight 0, then -1 (the scheduler picks, the cookie is re-issued)', () => {
    const c = new StickyCookies();
    c.update(pool([1, 0, 1], [1, 1, 0]));
    expect(c.lookup(c.valueOf(1))).toBe(-1);
    expect(c.lookup(c.valueOf(2))).toBe(-1);
    expect(c.memberOf(c.valueOf(2))).toBe(2);
    expect(c.lookup(c.valueOf(0))).toBe(0);
  });

  it('given the pool is renumbered, then a cookie still finds its member by key', () => {
    const keys = keysOf(3);
    const c = new StickyCookies();
    c.update(pool([1, 1, 1], undefined, keys));
    const v = c.valueOf(2);
    c.update(pool([1, 1], undefined, [keys[2], keys[0]]));
    expect(c.lookup(v)).toBe(0);
  });
});

describe('layer-4 source-IP persistence', () => {
  const S = 1_000_000;

  it('given a client seen within the timeout, then its member; after the timeout, -1 and dropped', () => {
    const p = new SourceIpPersistence(10 * S);
    p.set(0x0a000001, 2, 0);
    expect(p.get(0x0a000001, 10 * S)).toBe(2);
    expect(p.get(0x0a000001, 10 * S + 1)).toBe(-1);
    expect(p.size).toBe(0);
  });

  it('refreshes an entry on use', () => {
    const p = new SourceIpPersistence(10 * S);
    const usable = [1, 1, 1];
    p.set(7, 1, 0);
    expect(p.lookup(7, 8 * S, usable)).toBe(1);
    expect(p.lookup(7, 16 * S, usable)).toBe(1);
    p.set(7, 1, 20 * S);
    expect(p.get(7, 29 * S)).toBe(1);
  });

  it('given the target can no longer take connections, then -1 (fall back to the scheduler)', () => {
    const p = new SourceIpPersistence(10 * S);
    p.set(7, 1, 0);
    expect(p.lookup(7, S, [1, 0])).toBe(-1);
    p.set(7, 0, S); // the scheduler's pick replaces the entry
    expect(p.lookup(7, 2 * S, [1, 0])).toBe(0);
  });

  it('drops expired entries as new clients arrive, so memory follows the live clients', () => {
    const p = new SourceIpPersistence(S);
    for (let i = 0; i < 1000; i++) p.set(i, 0, i * 10 * S); // each expired before the next arrives
    expect(p.size).toBeLessThanOrEqual(3);
    p.sweep(10_000 * S);
    expect(p.size).toBe(0);
  });

  it('keeps many live clients and reuses freed slots', () => {
    const p = new SourceIpPersistence(100 * S);
    for (let i = 0; i < 5000; i++) p.set(i, i % 3, 0);
    expect(p.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(p.get(i, S)).toBe(i % 3);
    p.sweep(1000 * S);
    expect(p.size).toBe(0);
    p.set(42, 1, 1000 * S);
    expect(p.get(42, 1000 * S)).toBe(1);
  });

  it('renumbers entries by member key and drops those whose member left', () => {
    const keys = keysOf(3);
    const p = new SourceIpPersistence(10 * S);
    p.set(1, 0, 0);
    p.set(2, 1, 0);
    p.set(3, 2, 0);
    p.remapKeys(keys, [keys[2], keys[0]]);
    expect([p.get(1, 0), p.get(2, 0), p.get(3, 0)]).toEqual([1, -1, 0]);
    expect(p.size).toBe(2);
  });
});
