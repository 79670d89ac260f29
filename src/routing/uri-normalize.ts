/**
 * The URI Tengine matches `location`s against: nginx's `ngx_http_parse_complex_uri`
 * (src/http/ngx_http_parse.c, nginx 1.22 = Tengine's base), step for step, on the request target
 * as the client sends it. docs/MODEL.md "URL and Host normalisation" lists the steps:
 *
 * - every `%XX` is decoded (`%61` → `a`, `%2F` → `/`) and the decoded byte is read again by the
 *   state machine (so `%2F` separates segments and `%2E%2E` is a dot segment), except a decoded
 *   `%`, `#` or `?`, which are kept as literal bytes; `%00` and a malformed escape (`%zz`, `%` at
 *   the end) make the request invalid;
 * - `//` collapses to `/` (`merge_slashes on`, nginx's and Tengine's default);
 * - `/./` segments go, `/x/../` removes `x/`; a `..` that climbs above the root is invalid;
 * - the query (`?…`) and a fragment (`#…`) are not part of the path;
 * - a raw control character, space or DEL anywhere in the target (nginx's request-line parser),
 *   or a target not starting with `/`, is invalid.
 * Invalid means nginx answers 400 before any routing.
 *
 * Bytes: a JavaScript string's characters up to U+00FF are taken as single bytes (as Node's HTTP
 * client and server read and write a request target); characters above are UTF-8 encoded. The
 * normalised path is a string of bytes, one character per byte (latin1).
 *
 * Hot path: `normalUriEnd` decides, in one scan and without allocating, that a target is already
 * normal (the usual case: no `%`, no `//`, no `/.`, no `#`) and where its path ends; only other
 * targets go through `normalizeUri`, which works in reused byte buffers and allocates the result.
 */
import { Buffer } from 'node:buffer';

/** `normalUriEnd`: the target needs `normalizeUri`. */
export const URI_COMPLEX = -1;
/** `normalUriEnd`: the request is invalid (400). */
export const URI_INVALID = -2;

const SLASH = 47;
const DOT = 46;
const PERCENT = 37;
const HASH = 35;
const QUESTION = 63;

/**
 * The end of the path (before `?`) when the target is already normal, else URI_COMPLEX or
 * URI_INVALID. Allocates nothing.
 */
export function normalUriEnd(target: string): number {
  const n = target.length;
  if (n === 0 || target.charCodeAt(0) !== SLASH) return URI_INVALID;
  const kind = KIND;
  let afterSlash = true;
  for (let i = 1; i < n; i++) {
    const c = target.charCodeAt(i);
    if (c > 0xff) return URI_COMPLEX;
    const k = kind[c];
    if (k === K_PLAIN) {
      afterSlash = false;
      continue;
    }
    if (k === K_SLASH || k === K_DOT) {
      if (afterSlash) return URI_COMPLEX;
      afterSlash = k === K_SLASH;
      continue;
    }
    if (k === K_QUERY) return queryValid(target, i + 1) ? i : URI_INVALID;
    return k === K_INVALID ? URI_INVALID : URI_COMPLEX;
  }
  return n;
}

const K_PLAIN = 0;
const K_INVALID = 1;
const K_QUERY = 2;
const K_ESCAPE = 3;
const K_SLASH = 4;
const K_DOT = 5;
/** What each byte means to the fast path: control, space, DEL invalid; `?`; `%` and `#`; `/`; `.`. */
const KIND = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c <= 0x20; c++) t[c] = K_INVALID;
  t[0x7f] = K_INVALID;
  t[QUESTION] = K_QUERY;
  t[PERCENT] = K_ESCAPE;
  t[HASH] = K_ESCAPE;
  t[SLASH] = K_SLASH;
  t[DOT] = K_DOT;
  return t;
})();

/** No control character, space or DEL in the rest of the target (the request-line parser's check). */
function queryValid(target: string, from: number): boolean {
  for (let i = from; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** The normalised path of a request target (query and fragment dropped), or null: nginx answers 400. */
export function normalizeUri(target: string, mergeSlashes = true): string | null {
  const n = load(target);
  if (n < 0) return null;
  const len = parseComplexUri(n, mergeSlashes, undefined);
  return len < 0 ? null : bytesToString(outBuf, len);
}

export interface UriExplanation {
  /** The path nginx matches locations against, bytes as latin1 characters; null when invalid. */
  readonly normalized: string | null;
  /** What normalisation did, in order (empty when the target was already normal). */
  readonly steps: readonly string[];
  /** Why the request is invalid (400), or null. */
  readonly error: string | null;
}

/** `normalizeUri` with the steps it took, for `slbsim route` (slow, allocating). */
export function explainUri(target: string, mergeSlashes = true): UriExplanation {
  const steps: string[] = [];
  const n = load(target);
  if (n === LOAD_NO_SLASH)
    return { normalized: null, steps, error: `the target ${show(target)} does not start with /` };
  if (n === LOAD_CONTROL)
    return {
      normalized: null,
      steps,
      error: `the target ${show(target)} holds a control character, space or DEL`,
    };
  const trace: Trace = { steps, error: null };
  const len = parseComplexUri(n, mergeSlashes, trace);
  if (len < 0) return { normalized: null, steps, error: trace.error ?? 'invalid URI' };
  return { normalized: bytesToString(outBuf, len), steps, error: null };
}

/**
 * A rule's URL as nginx would compare it with normalised paths: its `%XX` escapes decoded (CLB
 * allows `%` in rule URLs so that other characters can be written at all), nothing else changed.
 * Null when an escape is malformed or decodes to NUL: such a rule can match no valid request.
 */
export function decodeRuleUrl(url: string): string | null {
  if (url.indexOf('%') < 0 && !hasWide(url)) return url;
  const n = loadBytes(url);
  const src = inBuf;
  const out = outBuf;
  let len = 0;
  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c !== PERCENT) {
      out[len++] = c;
      continue;
    }
    const hi = i + 1 < n ? hexValue(src[i + 1]) : -1;
    const lo = i + 2 < n ? hexValue(src[i + 2]) : -1;
    if (hi < 0 || lo < 0) return null;
    const b = (hi << 4) | lo;
    if (b === 0) return null;
    out[len++] = b;
    i += 2;
  }
  return bytesToString(out, len);
}

/** A byte string (normalised path) for display: controls, space, DEL and bytes ≥ 0x80 as `%XX`. */
export function showBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c <= 0x20 || c >= 0x7f ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : s[i];
  }
  return out;
}

// ---- the state machine ----------------------------------------------------------------------

const ST_USUAL = 0;
const ST_SLASH = 1;
const ST_DOT = 2;
const ST_DOT_DOT = 3;
const ST_QUOTED = 4;
const ST_QUOTED_SECOND = 5;

interface Trace {
  readonly steps: string[];
  error: string | null;
}

let inBuf = new Uint8Array(512);
let outBuf = new Uint8Array(512);

const LOAD_NO_SLASH = -1;
const LOAD_CONTROL = -2;

/** The target's bytes into `inBuf` (checked as the request-line parser does); its length or LOAD_*. */
function load(target: string): number {
  if (target.length === 0 || target.charCodeAt(0) !== SLASH) return LOAD_NO_SLASH;
  const n = loadBytes(target);
  for (let i = 0; i < n; i++) {
    const c = inBuf[i];
    if (c <= 0x20 || c === 0x7f) return LOAD_CONTROL;
  }
  return n;
}

function hasWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return true;
  return false;
}

/** Characters up to U+00FF as one byte each, others UTF-8 encoded, into `inBuf`; the byte count. */
function loadBytes(s: string): number {
  const need = s.length * 3;
  if (inBuf.length < need) inBuf = new Uint8Array(need);
  if (outBuf.length < need + 1) outBuf = new Uint8Array(need + 1);
  const b = inBuf;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0xff) {
      b[n++] = c;
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate, as TextEncoder writes it
    if (cp < 0x800) {
      b[n++] = 0xc0 | (cp >> 6);
      b[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      b[n++] = 0xe0 | (cp >> 12);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    } else {
      b[n++] = 0xf0 | (cp >> 18);
      b[n++] = 0x80 | ((cp >> 12) & 0x3f);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    }
  }
  return n;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function bytesToString(b: Uint8Array, len: number): string {
  return Buffer.from(b.buffer, b.byteOffset, len).toString('latin1');
}

function show(s: string): string {
  return JSON.stringify(s);
}

function hex2(c: number): string {
  return `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * `ngx_http_parse_complex_uri` over `inBuf[0, n)` into `outBuf`: the path's length, or -1 when
 * invalid. `ch` is the byte being read, `p` the index of the next one; a decoded escape is read
 * again without advancing, as nginx does.
 */
function parseComplexUri(n: number, merge: boolean, trace: Trace | undefined): number {
  const s = inBuf;
  const u = outBuf;
  let state = ST_USUAL;
  let quotedState = ST_USUAL;
  let decoded = 0;
  let len = 0;
  let escapeAt = 0;
  let p = 1;
  let ch = s[0];
  while (p <= n) {
    switch (state) {
      case ST_USUAL:
        switch (ch) {
          case SLASH:
            state = ST_SLASH;
            u[len++] = ch;
            break;
          case PERCENT:
            quotedState = state;
            state = ST_QUOTED;
            escapeAt = p - 1;
            break;
          case QUESTION:
            if (trace) trace.steps.push(`the query ${show(tail(s, p - 1, n))} is not part of the path`);
            return len;
          case HASH:
            if (trace) trace.steps.push(`the fragment ${show(tail(s, p - 1, n))} is dropped`);
            return len;
          default:
            u[len++] = ch;
        }
        break;

      case ST_SLASH:
        switch (ch) {
          case SLASH:
            if (!merge) u[len++] = ch;
            else if (trace) trace.steps.push('merge_slashes: "//" → "/"');
            break;
          case DOT:
            state = ST_DOT;
            u[len++] = ch;
            break;
          case PERCENT:
            quotedState = state;
            state = ST_QUOTED;
            escapeAt = p - 1;
            break;
          case QUESTION:
            if (trace) trace.steps.push(`the query ${show(tail(s, p - 1, n))} is not part of the path`);
            return len;
          case HASH:
            if (trace) trace.steps.push(`the fragment ${show(tail(s, p - 1, n))} is dropped`);
            return len;
          default:
            state = ST_USUAL;
            u[len++] = ch;
        }
        break;

      case ST_DOT:
        switch (ch) {
          case SLASH:
            state = ST_SLASH;
            len--;
            if (trace) trace.steps.push('dot segment "/./" → "/"');
            break;
          case DOT:
            state = ST_DOT_DOT;
            u[len++] = ch;
            break;
          case PERCENT:
            quotedState = state;
            state = ST_QUOTED;
            escapeAt = p - 1;
            break;
          case QUESTION:
          case HASH:
            len--;
            if (trace) {
              trace.steps.push('dot segment: a trailing "/." → "/"');
              trace.steps.push(
                ch === QUESTION
                  ? `the query ${show(tail(s, p - 1, n))} is not part of the path`
                  : `the fragment ${show(tail(s, p - 1, n))} is dropped`,
              );
            }
            return len;
          default:
            state = ST_USUAL;
            u[len++] = ch;
        }
        break;

      case ST_DOT_DOT:
        switch (ch) {
          case SLASH:
          case QUESTION:
          case HASH: {
            const before = trace ? bytesToString(u, len) : '';
            len = climb(u, len);
            if (len < 0) {
              if (trace) trace.error = `"/.." in ${show(before)} climbs above the root`;
              return -1;
            }
            if (trace) trace.steps.push(`dot segment: ${show(before)} → ${show(bytesToString(u, len))}`);
            if (ch === QUESTION) {
              if (trace) trace.steps.push(`the query ${show(tail(s, p - 1, n))} is not part of the path`);
              return len;
            }
            if (ch === HASH) {
              if (trace) trace.steps.push(`the fragment ${show(tail(s, p - 1, n))} is dropped`);
              return len;
            }
            state = ST_SLASH;
            break;
          }
          case PERCENT:
            quotedState = state;
            state = ST_QUOTED;
            escapeAt = p - 1;
            break;
          default:
            state = ST_USUAL;
            u[len++] = ch;
        }
        break;

      case ST_QUOTED: {
        const v = hexValue(ch);
        if (v < 0) {
          if (trace) trace.error = `malformed escape ${show(tail(s, escapeAt, Math.min(n, escapeAt + 3)))}`;
          return -1;
        }
        decoded = v;
        state = ST_QUOTED_SECOND;
        break;
      }

      case ST_QUOTED_SECOND: {
        const v = hexValue(ch);
        if (v < 0) {
          if (trace) trace.error = `malformed escape ${show(tail(s, escapeAt, Math.min(n, escapeAt + 3)))}`;
          return -1;
        }
        const b = (decoded << 4) | v;
        if (b === 0) {
          if (trace) trace.error = '%00 decodes to a NUL byte';
          return -1;
        }
        if (b === PERCENT || b === HASH || b === QUESTION) {
          // Kept as a literal byte: it neither starts an escape, nor ends the path.
          if (trace) trace.steps.push(`${hex2(b)} → "${String.fromCharCode(b)}" (a literal character)`);
          state = ST_USUAL;
          u[len++] = b;
          break;
        }
        if (trace)
          trace.steps.push(
            `${show(tail(s, escapeAt, escapeAt + 3))} → ${show(showBytes(String.fromCharCode(b)))}`,
          );
        state = quotedState;
        ch = b;
        continue; // read the decoded byte again, without advancing
      }
    }
    ch = p < n ? s[p] : 0;
    p++;
  }

  if (state === ST_QUOTED || state === ST_QUOTED_SECOND) {
    if (trace) trace.error = `malformed escape ${show(tail(s, escapeAt, n))} at the end`;
    return -1;
  }
  if (state === ST_DOT) {
    len--;
    if (trace) trace.steps.push('dot segment: a trailing "/." → "/"');
  } else if (state === ST_DOT_DOT) {
    const before = trace ? bytesToString(u, len) : '';
    len = climb(u, len);
    if (len < 0) {
      if (trace) trace.error = `"/.." in ${show(before)} climbs above the root`;
      return -1;
    }
    if (trace) trace.steps.push(`dot segment: ${show(before)} → ${show(bytesToString(u, len))}`);
  }
  return len;
}

/** Remove `/..` and the segment before it from `u[0, len)` (nginx's `u -= 4` and walk back), or -1. */
function climb(u: Uint8Array, len: number): number {
  let i = len - 4;
  for (;;) {
    if (i < 0) return -1;
    if (u[i] === SLASH) return i + 1;
    i--;
  }
}

/** Bytes `s[from, to)` for display. */
function tail(s: Uint8Array, from: number, to: number): string {
  return showBytes(Buffer.from(s.buffer, s.byteOffset + from, Math.max(0, to - from)).toString('latin1'));
}
