import { describe, expect, it } from 'vitest';
import { CookieJar, cookieExpiry, cookieValue, setCookieLine } from '../../src/routing/sticky-cookies.js';

describe('cookieValue', () => {
  it.each([
    ['SERVERID=abc', 'abc'],
    ['a=1; SERVERID=abc; b=2', 'abc'],
    ['XSERVERID=no; SERVERID=yes', 'yes'],
    ['a=SERVERID=x', undefined],
    ['SERVERID=abc ;b=1', 'abc'],
    ['b=1', undefined],
  ])('%s → %s', (header, value) => {
    expect(cookieValue(header, 'SERVERID')).toBe(value);
  });
});

describe('setCookieLine', () => {
  it('gives an inserted cookie its Max-Age, and a session cookie none', () => {
    expect(setCookieLine('SERVERID', 'abc', 60)).toBe('SERVERID=abc; Max-Age=60; Path=/');
    expect(setCookieLine('JSESSIONID', 'abc', 0)).toBe('JSESSIONID=abc; Path=/');
  });
});

describe('CookieJar', () => {
  it('given a cookie with a lifetime, when asked before and after it expires, then it is there, then gone', () => {
    const jar = new CookieJar();
    jar.set(7, 'SERVERID', 'abc', cookieExpiry(60, 1_000_000));
    expect(jar.get(7, 'SERVERID', 60_999_999)).toBe('abc');
    expect(jar.get(8, 'SERVERID', 0)).toBeUndefined();
    expect(jar.get(7, 'SERVERID', 61_000_000)).toBeUndefined();
    expect(jar.get(7, 'SERVERID', 0)).toBeUndefined();
  });
  it('keeps a session cookie (0) for ever, and a new value replaces the old', () => {
    const jar = new CookieJar();
    jar.set(1, 'C', 'x', cookieExpiry(0, 5));
    expect(jar.get(1, 'C', Number.MAX_SAFE_INTEGER)).toBe('x');
    jar.set(1, 'C', 'y', cookieExpiry(0, 6));
    expect(jar.get(1, 'C', 7)).toBe('y');
  });
  it("keeps each client's cookies of several names apart, across 5 000 clients and a name first seen late", () => {
    // Given 5 000 clients with a SERVERID each (the jar grows past its first 1 024 slots)
    const jar = new CookieJar();
    for (let c = 0; c < 5_000; c++) jar.set(c, 'SERVERID', `s${c % 3}`, cookieExpiry(0, 0));
    // When every fourth client also gets a server cookie, a name the jar has not seen yet
    for (let c = 0; c < 5_000; c += 4) jar.set(c, 'JSESSIONID', `j${c}`, cookieExpiry(10, 0));
    // Then each client has its own, under each name, and nothing under a name it was not sent
    expect(jar.get(4_999, 'SERVERID', 1)).toBe('s1');
    expect(jar.get(4_996, 'JSESSIONID', 1)).toBe('j4996');
    expect(jar.get(4_997, 'JSESSIONID', 1)).toBeUndefined();
    expect(jar.get(5_000, 'SERVERID', 1)).toBeUndefined();
    expect(jar.get(0, 'OTHER', 1)).toBeUndefined();
    // And the server cookie expires on its own (10 s), the session one does not
    expect(jar.get(8, 'JSESSIONID', 10_000_000)).toBeUndefined();
    expect(jar.get(8, 'SERVERID', 10_000_000)).toBe('s2');
  });
});
