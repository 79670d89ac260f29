/**
 * The key hashes of the hot path, all unsigned 32-bit and allocation-free:
 *  - `hashIp` — the source IP (sch);
 *  - `hash4` — the client 4-tuple (tch, and the cluster model's node/worker choice);
 *  - `hashString` / `murmur2` — strings (QUIC connection ids for qch, member keys of the Maglev
 *    table): MurmurHash2 over the UTF-8 bytes, bit-exact with Tengine's `ngx_murmur_hash2`
 *    (src/core/ngx_murmurhash.c; lb-algorithms.md §2.4) for seed 0.
 * The IP and 4-tuple hashes are the simulator's own (CLB does not publish its hash): MurmurHash3's
 * finaliser over the words, which avalanches fully (tested: uniform buckets, no visible structure
 * for sequential addresses).
 */

const M = 0x5bd1e995;

/** MurmurHash3's 32-bit finaliser: a full-avalanche mix of one word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of an IPv4 address (an unsigned 32-bit number). */
export function hashIp(ip: number): number {
  return fmix32(ip ^ 0x5bd1e995);
}

/** Hash of a connection 4-tuple (IPv4 addresses as numbers, ports 0–65535). */
export function hash4(srcIp: number, srcPort: number, dstIp: number, dstPort: number): number {
  let h = Math.imul(srcIp ^ 0x9e3779b9, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  h ^= Math.imul((srcPort << 16) | dstPort, 0xcc9e2d51);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(dstIp, 0x1b873593);
  return fmix32(h);
}

/** Reused UTF-8 buffer for non-ASCII strings (grows, never shrinks). */
let utf8 = new Uint8Array(256);

/**
 * MurmurHash2 (seed 0 = `ngx_murmur_hash2`) of the UTF-8 encoding of `s`. ASCII strings are
 * hashed straight from their code units; others are encoded into a reused buffer first.
 */
export function murmur2(s: string, seed = 0): number {
  // One pass over the code units while they are ASCII (then bytes = code units); the first
  // non-ASCII unit sends the whole string through the UTF-8 path. Kept small enough for V8 to
  // inline (a uint32 returned across a call boundary would be boxed: an allocation per hash).
  const n = s.length;
  let h = seed ^ n;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) return murmur2Utf8(s, seed);
    let k = Math.imul(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), M);
    k = Math.imul(k ^ (k >>> 24), M);
    h = Math.imul(h, M) ^ k;
  }
  if (i < n) {
    // The 1–3 tail bytes, little-endian: c0 | c1 << 8 | c2 << 16.
    let tail = 0;
    for (let j = n - 1; j >= i; j--) {
      const c = s.charCodeAt(j);
      if (c > 0x7f) return murmur2Utf8(s, seed);
      tail = (tail << 8) | c;
    }
    h = Math.imul(h ^ tail, M);
  }
  h = Math.imul(h ^ (h >>> 13), M);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The non-ASCII path: encode to UTF-8 in the shared buffer, then hash the bytes. */
function murmur2Utf8(s: string, seed: number): number {
  return murmur2Bytes(utf8, encodeUtf8(s), seed);
}

/** MurmurHash2 of `bytes[0, length)`. */
export function murmur2Bytes(bytes: Uint8Array, length: number, seed = 0): number {
  let len = length;
  let h = seed ^ len;
  let i = 0;
  while (len >= 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
    i += 4;
    len -= 4;
  }
  if (len === 3) h ^= bytes[i + 2] << 16;
  if (len >= 2) h ^= bytes[i + 1] << 8;
  if (len >= 1) {
    h ^= bytes[i];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Encode `s` as UTF-8 into the shared buffer (lone surrogates → U+FFFD); returns the length. */
function encodeUtf8(s: string): number {
  if (utf8.length < s.length * 3) utf8 = new Uint8Array(s.length * 3);
  const b = utf8;
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[p++] = c;
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[p++] = 0xf0 | (c >> 18);
          b[p++] = 0x80 | ((c >> 12) & 0x3f);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Hash of a string key, e.g. a QUIC connection id (qch). */
export function hashString(s: string): number {
  return murmur2(s);
}
