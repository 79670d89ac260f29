/**
 * Session-persistence helpers (clb-semantics.md §6, lb-algorithms.md §2.5). The client side (cookie
 * jars, which response sets the cookie) is the engine's job; this file only maps cookie values and
 * source IPs to members.
 *
 * Layer 7 (`insert`: CLB's `SERVERID` cookie; `server`: the rewritten backend cookie): the value
 * naming a member is Tengine session_sticky's default `hash=md5` — the lowercase hex MD5 of the
 * member's identity (`ServerId:Port` here). CLB documents the cookie name, not its value format.
 * A cookie naming a member that cannot take new requests (weight 0, failed check, stopped ECS) or
 * no member at all is ignored: the scheduler picks and the cookie is re-issued (Tengine
 * `fallback=on`, the default).
 *
 * Layer 4: source-IP persistence for `PersistenceTimeout` seconds since the entry was last used
 * (each use refreshes it). Expired entries are dropped on lookup and by a small incremental sweep
 * on every insertion, so memory follows the live clients. A target that can no longer take new
 * connections falls back to the scheduler (LVS's `expire_quiescent_template=1` behaviour; the
 * kernel default keeps weight-0 targets, but CLB says weight 0 takes no new requests).
 */
import { createHash } from 'node:crypto';
import type { SchedulerPool } from './scheduler.js';

/** The sticky-cookie value for a member key: lowercase hex MD5 (Tengine `hash=md5`). */
export function stickyCookieValue(memberKey: string): string {
  return createHash('md5').update(memberKey).digest('hex');
}

/** Cookie values per member of one pool, precomputed at each epoch, and the reverse lookup. */
export class StickyCookies {
  private values: string[] = [];
  private usable = new Uint8Array(0);
  private byValue = new Map<string, number>();
  private cache = new Map<string, string>();

  update(pool: SchedulerPool): void {
    const n = pool.keys.length;
    this.values = new Array<string>(n);
    this.usable = new Uint8Array(n);
    this.byValue = new Map();
    for (let i = 0; i < n; i++) {
      const key = pool.keys[i];
      let v = this.cache.get(key);
      if (v === undefined) {
        v = stickyCookieValue(key);
        this.cache.set(key, v);
      }
      this.values[i] = v;
      this.usable[i] = pool.weights[i] > 0 && pool.eligible[i] === 1 ? 1 : 0;
      if (!this.byValue.has(v)) this.byValue.set(v, i);
    }
  }

  /** The value to set for member `index`. */
  valueOf(index: number): string {
    return this.values[index];
  }

  /** The member a cookie names, if it can take the request; -1 → schedule and re-issue. */
  lookup(value: string | undefined): number {
    if (value === undefined) return -1;
    const i = this.byValue.get(value);
    return i !== undefined && this.usable[i] === 1 ? i : -1;
  }

  /** The member a cookie names regardless of eligibility, -1 if none (explain). */
  memberOf(value: string): number {
    return this.byValue.get(value) ?? -1;
  }
}

/** Source IP → member, each entry valid `timeoutUs` after its last use. */
export class SourceIpPersistence {
  private readonly slotOf = new Map<number, number>();
  private ip = new Float64Array(16);
  private member = new Int32Array(16);
  private lastUse = new Float64Array(16);
  private live = new Uint8Array(16);
  private free: number[] = [];
  private used = 0;
  private hand = 0;

  constructor(readonly timeoutUs: number) {}

  /** The member persisted for `ip` at `now`, or -1 (an expired entry is dropped). */
  get(ip: number, now: number): number {
    const s = this.slotOf.get(ip);
    if (s === undefined) return -1;
    if (now - this.lastUse[s] > this.timeoutUs) {
      this.drop(s);
      return -1;
    }
    return this.member[s];
  }

  /**
   * The persisted member if it may take the connection (`usable[member] === 1`), refreshing the
   * entry; else -1 (the caller schedules and calls `set`).
   */
  lookup(ip: number, now: number, usable: ArrayLike<number>): number {
    const m = this.get(ip, now);
    if (m < 0 || usable[m] !== 1) return -1;
    this.lastUse[this.slotOf.get(ip)!] = now;
    return m;
  }

  /** Persist `ip` → `member` from `now` (creates or refreshes the entry). */
  set(ip: number, member: number, now: number): void {
    let s = this.slotOf.get(ip);
    if (s === undefined) {
      this.sweep(now, 2);
      s = this.free.length > 0 ? this.free.pop()! : this.grow();
      this.slotOf.set(ip, s);
      this.ip[s] = ip;
      this.live[s] = 1;
    }
    this.member[s] = member;
    this.lastUse[s] = now;
  }

  /** Drop up to `limit` expired entries (all when omitted), continuing a round-robin hand. */
  sweep(now: number, limit = Number.POSITIVE_INFINITY): void {
    const cap = this.used;
    for (let k = 0; k < cap && k < limit; k++) {
      const s = this.hand;
      this.hand = s + 1 >= cap ? 0 : s + 1;
      if (this.live[s] === 1 && now - this.lastUse[s] > this.timeoutUs) this.drop(s);
    }
  }

  /** Members were renumbered (topology change): map old indexes to new, dropping removed ones. */
  remap(newIndexOf: (oldIndex: number) => number): void {
    for (const s of this.slotOf.values()) {
      const n = newIndexOf(this.member[s]);
      if (n < 0) this.drop(s);
      else this.member[s] = n;
    }
  }

  /** Renumber by member keys: `previousKeys[old]` is found again in `nextKeys`. */
  remapKeys(previousKeys: readonly string[], nextKeys: readonly string[]): void {
    const index = new Map<string, number>();
    for (let i = 0; i < nextKeys.length; i++) index.set(nextKeys[i], i);
    this.remap((old) => index.get(previousKeys[old]) ?? -1);
  }

  /** Live entries (including expired ones not yet swept). */
  get size(): number {
    return this.slotOf.size;
  }

  private drop(s: number): void {
    this.slotOf.delete(this.ip[s]);
    this.live[s] = 0;
    this.free.push(s);
  }

  private grow(): number {
    if (this.used === this.ip.length) {
      const cap = this.ip.length * 2;
      const ip = new Float64Array(cap);
      ip.set(this.ip);
      const member = new Int32Array(cap);
      member.set(this.member);
      const lastUse = new Float64Array(cap);
      lastUse.set(this.lastUse);
      const live = new Uint8Array(cap);
      live.set(this.live);
      this.ip = ip;
      this.member = member;
      this.lastUse = lastUse;
      this.live = live;
    }
    return this.used++;
  }
}
