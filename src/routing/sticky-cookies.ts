/**
 * Sticky-session cookies on the wire and in the clients: the value a `Cookie` request header
 * carries, the `Set-Cookie` line CLB adds (insert: `SERVERID=<id>` with `Max-Age` = CookieTimeout;
 * server: the backend's cookie rewritten to the same id, a session cookie), and the modelled
 * clients' cookie jars (per source IP, honouring the lifetime).
 */

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const i = header.indexOf(name, from);
    if (i < 0) return undefined;
    const eq = i + name.length;
    if (header.charCodeAt(eq) === 61 /* = */) {
      let j = i - 1;
      while (j >= 0 && (header.charCodeAt(j) === 32 || header.charCodeAt(j) === 9)) j--;
      if (j < 0 || header.charCodeAt(j) === 59 /* ; */) {
        let end = header.indexOf(';', eq + 1);
        if (end < 0) end = header.length;
        while (end > eq + 1 && (header.charCodeAt(end - 1) === 32 || header.charCodeAt(end - 1) === 9)) end--;
        return header.slice(eq + 1, end);
      }
    }
    from = i + 1;
  }
}

/** The `Set-Cookie` value for a sticky cookie; `maxAge` in seconds, 0 = a session cookie. */
export function setCookieLine(name: string, value: string, maxAge: number): string {
  return maxAge > 0 ? `${name}=${value}; Max-Age=${maxAge}; Path=/` : `${name}=${value}; Path=/`;
}

interface StoredCookie {
  readonly value: string;
  /** µs of scenario time; +∞ for a session cookie. */
  readonly expires: number;
}

/** The cookie jars of modelled clients, one per source IP. */
export class CookieJar {
  private readonly jars = new Map<number, Map<string, StoredCookie>>();

  /** The client's cookie `name` at `now` (an expired one is dropped). */
  get(client: number, name: string, now: number): string | undefined {
    const jar = this.jars.get(client);
    if (jar === undefined) return undefined;
    const c = jar.get(name);
    if (c === undefined) return undefined;
    if (c.expires > now) return c.value;
    jar.delete(name);
    return undefined;
  }

  /** Keep a cookie the client was sent, until `expires` (see `cookieExpiry`). */
  set(client: number, name: string, value: string, expires: number): void {
    let jar = this.jars.get(client);
    if (jar === undefined) this.jars.set(client, (jar = new Map()));
    jar.set(name, { value, expires });
  }
}

/** When a cookie set at `now` (µs) with `maxAge` seconds expires; a session cookie (0) never does. */
export function cookieExpiry(maxAge: number, now: number): number {
  return maxAge > 0 ? now + maxAge * 1_000_000 : Number.POSITIVE_INFINITY;
}
