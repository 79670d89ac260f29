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

/** One cookie name's column of the jars: per client slot, its value's id + 1 (0: none) and expiry. */
interface CookieColumn {
  value: Int32Array;
  /** µs of scenario time; +∞ for a session cookie. */
  expires: Float64Array;
}

/**
 * The cookie jars of modelled clients, one per source IP: a slot per client, and per cookie name a
 * column of the slots' values (interned: a sticky cookie's values are its group's server ids) and
 * expiry times. Hand-written flat: a map per client and an object per cookie made a run of a
 * million clients spend half its time in hash maps and the garbage collector.
 */
export class CookieJar {
  private readonly slotOf = new Map<number, number>();
  private slots = 0;
  private capacity = 0;
  private readonly nameIds = new Map<string, number>();
  private readonly columns: CookieColumn[] = [];
  private readonly valueIds = new Map<string, number>();
  private readonly values: string[] = [];
  /** The last name looked up and its column (a run has one name a scope, usually one in all). */
  private lastName: string | undefined;
  private lastColumn: CookieColumn | undefined;

  /** The client's cookie `name` at `now` (an expired one is dropped). */
  get(client: number, name: string, now: number): string | undefined {
    const slot = this.slotOf.get(client);
    if (slot === undefined) return undefined;
    const col = name === this.lastName ? this.lastColumn : this.column(name, false);
    if (col === undefined) return undefined;
    const v = col.value[slot];
    if (v === 0) return undefined;
    if (col.expires[slot] > now) return this.values[v - 1];
    col.value[slot] = 0;
    return undefined;
  }

  /** Keep a cookie the client was sent, until `expires` (see `cookieExpiry`). */
  set(client: number, name: string, value: string, expires: number): void {
    let slot = this.slotOf.get(client);
    if (slot === undefined) {
      slot = this.slots++;
      if (slot === this.capacity) this.grow();
      this.slotOf.set(client, slot);
    }
    const col = name === this.lastName ? this.lastColumn! : this.column(name, true)!;
    let id = this.valueIds.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.valueIds.set(value, id);
    }
    col.value[slot] = id + 1;
    col.expires[slot] = expires;
  }

  /** The column of cookie `name` (made when `create`), remembered as the last looked up. */
  private column(name: string, create: boolean): CookieColumn | undefined {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      if (!create) return undefined;
      id = this.columns.length;
      this.nameIds.set(name, id);
      this.columns.push({ value: new Int32Array(this.capacity), expires: new Float64Array(this.capacity) });
    }
    this.lastName = name;
    this.lastColumn = this.columns[id];
    return this.lastColumn;
  }

  private grow(): void {
    this.capacity = Math.max(1024, this.capacity * 2);
    for (const col of this.columns) {
      const value = new Int32Array(this.capacity);
      value.set(col.value);
      const expires = new Float64Array(this.capacity);
      expires.set(col.expires);
      col.value = value;
      col.expires = expires;
    }
  }
}

/** When a cookie set at `now` (µs) with `maxAge` seconds expires; a session cookie (0) never does. */
export function cookieExpiry(maxAge: number, now: number): number {
  return maxAge > 0 ? now + maxAge * 1_000_000 : Number.POSITIVE_INFINITY;
}
