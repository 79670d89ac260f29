/**
 * Host normalisation before domain-rule matching, as nginx's `ngx_http_validate_host` does it
 * (lb-algorithms.md §6): lowercase, `:port` removed, one trailing dot removed.
 *
 * Hot path: hosts that are already normal (the usual case) are returned as they are, without
 * allocating; only hosts that need a change build a new string.
 */

export function normalizeHost(host: string): string {
  const n = host.length;
  let end = n;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c === 58 /* : */) {
      // IPv6 literals are bracketed; a colon inside brackets is not a port separator.
      if (host.charCodeAt(0) === 91 /* [ */) {
        const close = host.indexOf(']');
        if (close > i) continue;
      }
      end = i;
      clean = false;
      break;
    }
    if (c >= 65 && c <= 90) clean = false;
  }
  if (end > 0 && host.charCodeAt(end - 1) === 46 /* . */) {
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
