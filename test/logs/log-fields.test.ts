import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isoTime,
  lastStatus,
  parseIpv4,
  parseLogTime,
  parseUint,
  pathEnd,
} from '../../src/logs/log-fields.js';

const b = (s: string) => Buffer.from(s);
const time = (s: string) => parseLogTime(b(s), 0, Buffer.byteLength(s));

describe('parseLogTime', () => {
  it('reads ISO 8601 with an offset, Z, none (UTC), a fraction and a space separator', () => {
    const t = Date.parse('2024-05-06T02:00:01Z');
    expect(time('2024-05-06T10:00:01+08:00')).toBe(t);
    expect(time('2024-05-06T10:00:01+0800')).toBe(t);
    expect(time('2024-05-06T02:00:01Z')).toBe(t);
    expect(time('2024-05-06T02:00:01')).toBe(t);
    expect(time('2024-05-06 02:00:01')).toBe(t);
    expect(time('2024-05-06T02:00:01.250Z')).toBe(t + 250);
    expect(time('2024-05-05T21:30:01-04:30')).toBe(t);
  });

  it("reads nginx's $time_local and Unix seconds or milliseconds", () => {
    const t = Date.parse('2024-05-06T02:00:01Z');
    expect(time('06/May/2024:10:00:01 +0800')).toBe(t);
    expect(time(String(t / 1000))).toBe(t);
    expect(time(`${t / 1000}.5`)).toBe(t + 500);
    expect(time(String(t))).toBe(t);
  });

  it('refuses what is not a time', () => {
    for (const s of [
      '',
      'yesterday',
      '2024-13-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-05-06T25:00:00Z',
      '2024-05-06T10:00:01+8',
      '12ab',
      '06/Foo/2024:10:00:01 +0800',
    ])
      expect(time(s), s).toBeNaN();
  });

  it('agrees with Date.parse on any ISO time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, offMin) => {
          const local = new Date(ms + offMin * 60_000).toISOString().slice(0, 23);
          const sign = offMin < 0 ? '-' : '+';
          const a = Math.abs(offMin);
          const zone = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
          expect(time(`${local}${zone}`)).toBe(ms);
        },
      ),
    );
  });
});

describe('field parsers', () => {
  it('parseIpv4', () => {
    expect(parseIpv4(b('10.0.1.11'), 0, 9)).toBe(0x0a00010b);
    expect(parseIpv4(b('255.255.255.255'), 0, 15)).toBe(0xffffffff);
    for (const s of ['10.0.1', '10.0.1.256', '10..1.1', '::1', '1.2.3.4.5', ''])
      expect(parseIpv4(b(s), 0, s.length), s).toBe(-1);
  });

  it('parseUint, lastStatus, pathEnd', () => {
    expect(parseUint(b('8080'), 0, 4)).toBe(8080);
    expect(parseUint(b('80a'), 0, 3)).toBe(-1);
    expect(parseUint(b(''), 0, 0)).toBe(-1);
    expect(lastStatus(b('502, 200'), 0, 8)).toBe(200);
    expect(lastStatus(b('-'), 0, 1)).toBe(0);
    expect(pathEnd(b('/v1/items?page=1'), 0, 16)).toBe(9);
    expect(pathEnd(b('/a#frag'), 0, 7)).toBe(2);
    expect(pathEnd(b('/plain'), 0, 6)).toBe(6);
  });

  it('isoTime prints UTC seconds, with milliseconds only when there are some', () => {
    expect(isoTime(Date.parse('2024-05-06T02:00:01Z'))).toBe('2024-05-06T02:00:01Z');
    expect(isoTime(Date.parse('2024-05-06T02:00:01.5Z'))).toBe('2024-05-06T02:00:01.500Z');
  });
});
