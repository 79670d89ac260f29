/**
 * Host normalisation before domain-rule matching, as nginx's `ngx_http_validate_host`
 * (src/http/ngx_http_request.c, nginx 1.22) does it (lb-algorithms.md §6, docs/MODEL.md "URL and
 * Host normalisation"):
 *
 * - `validateHost` (URL matching `normalized`, the default): exactly nginx's checks — two dots in
 *   a row anywhere (`a..example.com`, `example.com..`) → invalid (400); a `/`, a control
 *   character, space or DEL → invalid; `:port` removed at the first colon outside a leading
 *   `[…]` IPv6 literal (the literal ends the host at its `]`); one trailing dot removed when it is
 *   the last dot of the value and ends the host; nothing left → invalid; ASCII letters lowercased.
 * - `normalizeHost` (URL matching `raw`, the behaviour before issue 10): lowercase, `:port`
 *   removed, one trailing dot removed, never invalid.
 *
 * Hot path: hosts that are already normal (the usual case) are returned as they are, without
 * allocating; only hosts that need a change build a new string. The rule matcher memoises the
 * result per raw Host value.
 */

const DOT = 46;
const COLON = 58;
const OPEN = 91;
const CLOSE = 93;
const SLASH = 47;

/**
 * The host nginx selects a server with, or null when nginx answers 400 ("client sent invalid host
 * header"). `host` is the Host header's value; blanks around it are removed first, as HTTP parsers
 * do. The empty value is invalid here (nginx answers 400 to `Host:` with nothing); the rule matcher
 * treats an absent Host (the scenario gives none) as matching no domain instead.
 */
export function validateHost(host: string): string | null {
  let start = 0;
  let n = host.length;
  while (start < n && isBlank(host.charCodeAt(start))) start++;
  while (n > start && isBlank(host.charCodeAt(n - 1))) n--;
  let dotPos = -2;
  let hostEnd = n;
  // 0: usual, 1: inside a leading [IPv6 literal], 2: after the host (port or rest, not checked but for dots).
  let state = 0;
  let lower = false;
  for (let i = start; i < n; i++) {
    const c = host.charCodeAt(i);
    switch (c) {
      case DOT:
        if (dotPos === i - 1) return null;
        dotPos = i;
        break;
      case COLON:
        if (state === 0) {
          hostEnd = i;
          state = 2;
        }
        break;
      case OPEN:
        if (i === start) state = 1;
        break;
      case CLOSE:
        if (state === 1) {
          hostEnd = i + 1;
          state = 2;
        }
        break;
      default:
        if (c === SLASH || c <= 0x20 || c === 0x7f) return null;
        if (c >= 65 && c <= 90) lower = true;
    }
  }
  if (dotPos === hostEnd - 1) hostEnd--;
  if (hostEnd <= start) return null;
  if (!lower && start === 0 && hostEnd === host.length) return host;
  const h = host.slice(start, hostEnd);
  return lower ? h.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : h;
}

/** A `/`, a control character, a space or DEL. */
function hasForbidden(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === SLASH || c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Raw URL matching's host normalisation: lowercase, `:port` and one trailing dot removed. */
export function normalizeHost(host: string): string {
  const n = host.length;
  let end = n;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c === COLON) {
      // IPv6 literals are bracketed; a colon inside brackets is not a port separator.
      if (host.charCodeAt(0) === OPEN) {
        const close = host.indexOf(']');
        if (close > i) continue;
      }
      end = i;
      clean = false;
      break;
    }
    if (c >= 65 && c <= 90) clean = false;
  }
  if (end > 0 && host.charCodeAt(end - 1) === DOT) {
    end--;
    clean = false;
  }
  if (clean) return host;
  return host.slice(0, end).toLowerCase();
}

/** The path part of a request target: everything before `?` (rules never see the query). */
export function pathEnd(path: string): number {
  const q = path.indexOf('?');
  return q < 0 ? path.length : q;
}

export interface HostExplanation {
  /** `validateHost`'s answer (null: 400). */
  readonly host: string | null;
  /** What changed, as one sentence, or null when the value was already normal. */
  readonly step: string | null;
  /** Why nginx answers 400, or null. */
  readonly error: string | null;
}

/** `validateHost` with the reason, for `slbsim route` (slow). */
export function explainHost(raw: string): HostExplanation {
  const host = validateHost(raw);
  if (host === null) {
    const v = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    const error = v.includes('..')
      ? 'two dots in a row (an empty label)'
      : hasForbidden(v)
        ? 'it holds a "/", a control character, a space or DEL'
        : 'nothing is left once the port and a trailing dot are removed';
    return { host, step: null, error };
  }
  if (host === raw) return { host, step: null, error: null };
  const what: string[] = [];
  const bare = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (bare !== raw) what.push('blanks around it removed');
  if (/[A-Z]/.test(bare)) what.push('lowercased');
  const removed = bare.slice(host.length);
  if (removed === '.') what.push('trailing dot removed');
  else if (removed.startsWith('.'))
    what.push(`trailing dot and port ${JSON.stringify(removed.slice(1))} removed`);
  else if (removed !== '') what.push(`port ${JSON.stringify(removed)} removed`);
  return {
    host,
    step: `Host ${JSON.stringify(raw)} → ${JSON.stringify(host)} (${what.join(', ')}; ngx_http_validate_host)`,
    error: null,
  };
}
