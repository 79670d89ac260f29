import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32, hash4, hashIp, hashString, murmur2, murmur2Bytes } from '../../src/schedulers/hash.js';

/** ngx_murmur_hash2 (seed 0) and the seeded variant, from the C source compiled with gcc. */
const VECTORS: Array<[string, number, number]> = [
  ['', 0, 275646681],
  ['a', 2456313694, 2731586172],
  ['ab', 446775395, 316155434],
  ['abc', 324500635, 479470107],
  ['abcd', 646393889, 2971317748],
  ['127.0.0.1:8080', 3424299812, 149984460],
  ['127.0.0.1:18081', 1479645674, 2621366803],
  ['cid-1', 3451045211, 1190666609],
  ['hello world', 1151865881, 1221641059],
  ['日本語', 3028981682, 1431860170],
  ['héllo', 1319117202, 614509002],
  ['😀x', 1276919489, 3276830340],
];

/** χ² of `n` bucket counts against uniform. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((s, o) => s + (o - e) ** 2 / e, 0);
}

describe('key hashes', () => {
  it.each(VECTORS)('murmur2(%j) equals ngx_murmur_hash2 over the UTF-8 bytes', (s, h0, hSeeded) => {
    expect(murmur2(s)).toBe(h0);
    expect(hashString(s)).toBe(h0);
    expect(murmur2(s, 0x9747b28c)).toBe(hSeeded);
  });

  it('reproduces the Tengine consistent_hash ring vector (lb-algorithms.md §2.4) with these hashes', () => {
    // sid = murmur2(peer name); 160 nodes per peer hashed from the little-endian low 32 bits of
    // sid·4096 + j; a key goes to the first node ≥ murmur2(key), wrapping to the first node.
    const peers = ['127.0.0.1:18081', '127.0.0.1:18082', '127.0.0.1:18083'];
    const nodes: Array<[number, number]> = [];
    const bytes = new Uint8Array(4);
    peers.forEach((name, peer) => {
      const sid = murmur2(name);
      for (let j = 0; j < 160; j++) {
        const v = (Math.imul(sid, 4096) + j) >>> 0;
        bytes.set([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]);
        nodes.push([murmur2Bytes(bytes, 4), peer]);
      }
    });
    nodes.sort((a, b) => a[0] - b[0]);
    let out = '';
    for (let k = 1; k <= 20; k++) {
      const h = hashString(String(k));
      const at = nodes.findIndex(([node]) => node >= h);
      out += 'ABC'[nodes[Math.max(at, 0)][1]]; // none ≥ h: wrap to the first node
    }
    expect(out).toBe('AABCCCABAAACCABBBBBA');
  });

  it('hashes strings exactly as their UTF-8 bytes, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const bytes = new TextEncoder().encode(s);
        expect(murmur2(s)).toBe(murmur2Bytes(bytes, bytes.length));
      }),
    );
  });

  it('returns unsigned 32-bit integers', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(65535), fc.nat(0xffffffff), fc.nat(65535), (a, p, b, q) => {
        for (const h of [hashIp(a), hash4(a, p, b, q), fmix32(a)]) {
          expect(Number.isInteger(h)).toBe(true);
          expect(h).toBeGreaterThanOrEqual(0);
          expect(h).toBeLessThanOrEqual(0xffffffff);
        }
      }),
    );
  });

  it('spreads sequential source IPs uniformly over 64 buckets (χ², df 63, p > 0.001)', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) counts[hashIp((0x0a000000 + i) >>> 0) % 64]++;
    expect(chiSquare(counts)).toBeLessThan(103.4);
  });

  it('spreads sequential source ports of one client uniformly (χ², df 63, p > 0.001)', () => {
    const counts = new Array<number>(64).fill(0);
    for (let port = 1024; port < 65024; port++) counts[hash4(0x0a000001, port, 0xc0000201, 80) % 64]++;
    expect(chiSquare(counts)).toBeLessThan(103.4);
  });

  it('changes with every field of the 4-tuple', () => {
    const base = hash4(0x0a000001, 40000, 0xc0000201, 80);
    expect(hash4(0x0a000002, 40000, 0xc0000201, 80)).not.toBe(base);
    expect(hash4(0x0a000001, 40001, 0xc0000201, 80)).not.toBe(base);
    expect(hash4(0x0a000001, 40000, 0xc0000202, 80)).not.toBe(base);
    expect(hash4(0x0a000001, 40000, 0xc0000201, 81)).not.toBe(base);
  });

  it('avalanches: flipping one input bit flips about half the output bits', () => {
    let flipped = 0;
    let trials = 0;
    for (let i = 0; i < 2000; i++) {
      const ip = Math.imul(i, 2654435761) >>> 0;
      for (let bit = 0; bit < 32; bit += 5) {
        let x = (hashIp(ip) ^ hashIp((ip ^ (1 << bit)) >>> 0)) >>> 0;
        while (x) {
          flipped += x & 1;
          x >>>= 1;
        }
        trials++;
      }
    }
    expect(flipped / trials / 32).toBeGreaterThan(0.48);
    expect(flipped / trials / 32).toBeLessThan(0.52);
  });
});
