/**
 * The key hashes of the hot path, all 32-bit, allocation-free: source IP (sch), client 4-tuple
 * (tch, and the cluster model's node/worker choice), strings (member keys, QUIC connection ids:
 * MurmurHash2 as Tengine's `ngx_murmur_hash2`, lb-algorithms.md §2.4).
 */

/** MurmurHash3's 32-bit finaliser: a full-avalanche mix of one word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of an IPv4 address (as an unsigned 32-bit number). */
export function hashIp(ip: number): number {
  return fmix32(ip ^ 0x5bd1e995);
}

/** Hash of a connection 4-tuple (IPv4 addresses as numbers). */
export function hash4(srcIp: number, srcPort: number, dstIp: number, dstPort: number): number {
  let h = Math.imul(srcIp ^ 0x9e3779b9, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  h ^= Math.imul((srcPort << 16) | dstPort, 0xcc9e2d51);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(dstIp, 0x1b873593);
  return fmix32(h);
}

/** MurmurHash2 of a string's code units (low bytes), as nginx's `ngx_murmur_hash2` over ASCII. */
export function murmur2(s: string, seed = 0): number {
  const m = 0x5bd1e995;
  let len = s.length;
  let h = (seed ^ len) >>> 0;
  let i = 0;
  while (len >= 4) {
    let k = (s.charCodeAt(i) & 0xff) | ((s.charCodeAt(i + 1) & 0xff) << 8);
    k |= ((s.charCodeAt(i + 2) & 0xff) << 16) | ((s.charCodeAt(i + 3) & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
    i += 4;
    len -= 4;
  }
  if (len === 3) h ^= (s.charCodeAt(i + 2) & 0xff) << 16;
  if (len >= 2) h ^= (s.charCodeAt(i + 1) & 0xff) << 8;
  if (len >= 1) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Hash of a string key (e.g. a QUIC connection id for qch). */
export function hashString(s: string): number {
  return murmur2(s);
}
