/**
 * Session persistence helpers.
 *
 * Layer 7: the cookie value naming a member is Tengine session_sticky's default `hash=md5`: the
 * lowercase hex MD5 of the member's identity (`ServerId:Port` here) — CLB documents the SERVERID
 * name but not its value format (clb-semantics.md §6). Layer 4: source-IP persistence with
 * `PersistenceTimeout` seconds since the last connection.
 */
import { createHash } from 'node:crypto';

export function stickyCookieValue(memberKey: string): string {
  return createHash('md5').update(memberKey).digest('hex');
}

/** Source IP → member, each entry valid `timeoutUs` after its last use. */
export class SourceIpPersistence {
  private readonly member = new Map<number, number>();
  private readonly lastUse = new Map<number, number>();

  constructor(readonly timeoutUs: number) {}

  /** The member persisted for `ip` at `now`, or -1 (expired entries are dropped). */
  get(ip: number, now: number): number {
    const m = this.member.get(ip);
    if (m === undefined) return -1;
    if (now - this.lastUse.get(ip)! > this.timeoutUs) {
      this.member.delete(ip);
      this.lastUse.delete(ip);
      return -1;
    }
    return m;
  }

  set(ip: number, member: number, now: number): void {
    this.member.set(ip, member);
    this.lastUse.set(ip, now);
  }

  /** Members were renumbered (topology change): map old indexes to new, dropping removed ones. */
  remap(newIndexOf: (oldIndex: number) => number): void {
    for (const [ip, m] of this.member) {
      const n = newIndexOf(m);
      if (n < 0) {
        this.member.delete(ip);
        this.lastUse.delete(ip);
      } else this.member.set(ip, n);
    }
  }

  get size(): number {
    return this.member.size;
  }
}
