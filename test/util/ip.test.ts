import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipToNumber, numberToIp } from '../../src/util/ip.js';

/** The definition: four dot-separated parts of 1–3 digits, each at most 255. */
function reference(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

describe('ipToNumber', () => {
  it('reads dotted quads and refuses everything else', () => {
    expect(ipToNumber('10.0.0.1')).toBe(167772161);
    expect(ipToNumber('255.255.255.255')).toBe(4294967295);
    expect(ipToNumber('0.0.0.0')).toBe(0);
    expect(ipToNumber('010.001.0.9')).toBe(ipToNumber('10.1.0.9'));
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '1.2.3.0004',
      '1.2.3.a',
      '::1',
    ])
      expect(ipToNumber(bad)).toBeUndefined();
  });

  it('given any string of digits and dots (and a few others), then it answers as the definition does', () => {
    const chars = fc.constantFrom('0', '1', '2', '5', '9', '.', '.', '.', 'x', ' ', '-');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 18 }), (cs) => {
        const s = cs.join('');
        expect(ipToNumber(s)).toBe(reference(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('given any address, then numberToIp and ipToNumber round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(ipToNumber(numberToIp(n))).toBe(n);
      }),
    );
  });
});
