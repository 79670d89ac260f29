/**
 * The picker: which member of a resolved scope serves a new request or connection, and the
 * scheduler bookkeeping of the connections it opened.
 *
 * Order per pick: session persistence first (the SERVERID / rewritten cookie at layer 7, the source
 * IP at layer 4), else the scope's scheduler instance for the node and worker the client's 4-tuple
 * reaches (the cluster model), or, in a primary/secondary group, the primary while it is eligible
 * and else the secondary. The mode is decided once per scope (`PICK_*` in scope-table.ts); exact
 * mode without stickiness or hashing takes the fast path (one scheduler call).
 *
 * Hot path: writes into the caller's `RouteResult`, allocates nothing.
 */
import { hash4, hashIp } from '../schedulers/hash.js';
import type { Micros } from '../util/duration.js';
import { OUTCOME_NO_BACKEND, OUTCOME_OK } from './outcomes.js';
import type { Resolver } from './resolver.js';
import type { ConnectionRef, RouteResult } from './route-result.js';
import {
  PICK_COOKIE,
  PICK_FAILOVER,
  PICK_SOURCE_IP,
  type ScopeRuntime,
  type ScopeTable,
} from './scope-table.js';

/** The members one request has tried (`Picker.retry` skips them); reused across requests. */
export interface TriedMembers {
  has(member: number): boolean;
}

export class Picker {
  constructor(
    private readonly table: ScopeTable,
    private readonly resolver: Resolver,
  ) {}

  /**
   * Choose the member of `out.scope` for a new request or connection. `cookie` is the value of the
   * scope's sticky cookie the client sent (or undefined); `clientIp` an IPv4 number and
   * `clientPort` its source port (the 4-tuple with the listener's port).
   */
  pick(
    out: RouteResult,
    clientIp: number,
    clientPort: number,
    cookie: string | undefined,
    now: Micros,
  ): void {
    const s = this.table.scopes[out.scope];
    out.sticky = false;
    out.issueCookie = null;
    out.member = -1;
    out.backend = -1;
    if (s.eligibleCount === 0) {
      out.outcome = OUTCOME_NO_BACKEND;
      return;
    }
    const fast = s.fast;
    if (fast !== null) {
      // The common case: one scheduler instance, no stickiness, no hashing.
      const m = fast.pick(0);
      out.tuple = 0;
      out.node = 0;
      out.worker = 0;
      settle(out, s, m);
      return;
    }
    // The 4-tuple hash only matters for the cluster model and consistent hashing.
    out.tuple = s.needsTuple
      ? hash4(clientIp, clientPort, 0, this.resolver.listeners[out.listener].spec.port)
      : 0;
    this.choose(s, out, clientIp, cookie, now);
  }

  /**
   * The pick beyond the fast path: the instance of the 4-tuple (`out.tuple`), then by the scope's
   * mode. Apart from `pick` so that the fast path stays small enough to inline where it is hot.
   */
  private choose(
    s: ScopeRuntime,
    out: RouteResult,
    clientIp: number,
    cookie: string | undefined,
    now: Micros,
  ): void {
    const tuple = out.tuple;
    const cluster = s.cluster;
    cluster.route(tuple);
    out.node = cluster.lastNode;
    out.worker = cluster.lastWorker;
    let m: number;
    if (s.mode === PICK_FAILOVER) m = failover(s);
    else if (s.mode === PICK_COOKIE) m = byCookie(s, out, cookie, clientIp);
    else if (s.mode === PICK_SOURCE_IP) m = bySourceIp(s, out, clientIp, now);
    else m = cluster.pick(keyHash(s, clientIp, tuple), tuple);
    settle(out, s, m);
  }

  /**
   * Pick again for a retry after a failed attempt, on the node and worker of the first pick: the
   * next scheduler pick that `tried` does not hold. Returns false when every eligible member was
   * tried (`out.member`/`out.backend` then -1).
   */
  retry(out: RouteResult, tried: TriedMembers): boolean {
    const s = this.table.scopes[out.scope];
    const cluster = s.cluster;
    const tuple = out.tuple;
    cluster.route(tuple);
    const limit = 2 * s.backends.length + 2;
    for (let i = 0; i < limit; i++) {
      const m = cluster.pick(tuple, tuple);
      if (m < 0) break;
      if (!tried.has(m)) {
        out.member = m;
        out.backend = s.backends[m];
        out.sticky = false;
        out.issueCookie = s.cookieName !== null ? s.memberSid[m] : null;
        return true;
      }
      cluster.release(cluster.lastNode, cluster.lastWorker, m);
    }
    out.member = -1;
    out.backend = -1;
    return false;
  }

  /** A connection finished: the scheduler instance that picked it counts it closed (wlc). */
  release(c: ConnectionRef): void {
    const s = this.table.scopes[c.scope];
    const m = memberOf(s, c);
    if (m < 0) return;
    if (s.single !== null) s.single.release(m);
    else s.cluster.release(c.node, c.worker, m);
  }

  /** LVS: the inactive entry a closed connection left expired. */
  expire(c: ConnectionRef): void {
    const s = this.table.scopes[c.scope];
    const m = memberOf(s, c);
    if (m >= 0) s.cluster.expire(c.node, c.worker, m);
  }
}

/** The connection's member now: its index at the pick, or found again by backend when members changed. */
function memberOf(s: ScopeRuntime, c: ConnectionRef): number {
  return s.backends[c.member] === c.backend ? c.member : s.backends.indexOf(c.backend);
}

function settle(out: RouteResult, s: ScopeRuntime, m: number): void {
  if (m < 0) {
    out.outcome = OUTCOME_NO_BACKEND;
    return;
  }
  out.outcome = OUTCOME_OK;
  out.member = m;
  out.backend = s.backends[m];
}

/** Primary while eligible, else secondary; the secondary is not health-checked. */
function failover(s: ScopeRuntime): number {
  const e = s.eligible;
  return e[0] === 1 ? 0 : e.length > 1 && e[1] === 1 ? 1 : -1;
}

/** Cookie stickiness: the member the cookie names while it is eligible, else a pick that issues one. */
function byCookie(s: ScopeRuntime, out: RouteResult, cookie: string | undefined, clientIp: number): number {
  if (cookie !== undefined) {
    const hit = s.sidToMember.get(cookie);
    if (hit !== undefined && s.eligible[hit] === 1) {
      out.sticky = true;
      return hit;
    }
  }
  const m = s.cluster.pick(keyHash(s, clientIp, out.tuple), out.tuple);
  if (m >= 0) out.issueCookie = s.memberSid[m];
  return m;
}

/** Source-IP persistence: the client's member while it is eligible, else a pick; either is remembered. */
function bySourceIp(s: ScopeRuntime, out: RouteResult, clientIp: number, now: Micros): number {
  const persistence = s.persistence!;
  const hit = persistence.get(clientIp, now);
  let m: number;
  if (hit >= 0 && s.eligible[hit] === 1) {
    out.sticky = true;
    m = hit;
  } else m = s.cluster.pick(keyHash(s, clientIp, out.tuple), out.tuple);
  if (m >= 0) persistence.set(clientIp, m, now);
  return m;
}

/** The consistent-hash key of a request: source IP (sch), else the 4-tuple (tch; qch's connection). */
function keyHash(s: ScopeRuntime, clientIp: number, tuple: number): number {
  return s.keyBySourceIp ? hashIp(clientIp) : tuple;
}
