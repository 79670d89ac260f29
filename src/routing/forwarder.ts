/**
 * The forwarder: what happens between a pick and the response, shared by the engine and the live
 * proxy so both apply one policy.
 *
 * - Failed attempts (CLB's Tengine, `proxy_next_upstream error timeout`; clb-semantics.md §5.4):
 *   at layer 7 a connect error (refused, reset before any response) or a connect timeout sends the
 *   request to the next backend the scheduler picks that this request has not tried yet, until
 *   every eligible member was tried (then 502). A read timeout (504), a response that breaks after
 *   it began, and every failure at layer 4 (LVS forwards the connection, nobody retries) end the
 *   request. Every failed attempt's connection is released to the scheduler.
 * - Sticky cookies: the scope's cookie read from the request (the `Cookie` header, or a modelled
 *   client's jar), and the cookie a pick issues written to the response (`Set-Cookie`) or kept in
 *   the client's jar with CookieTimeout as its lifetime.
 */
import type { Micros } from '../util/duration.js';
import type { Picker, TriedMembers } from './picker.js';
import type { RouteResult } from './route-result.js';
import type { ScopeTable } from './scope-table.js';
import { type CookieJar, cookieExpiry, cookieValue, setCookieLine } from './sticky-cookies.js';

/** Why a forwarding attempt failed. */
export const FAILURE_CONNECT = 0;
/** The backend did not answer the connect (a stopped ECS): CLB's 5 s connect timeout passed. */
export const FAILURE_CONNECT_TIMEOUT = 1;
/** Connected, but no response within the read timeout (504). */
export const FAILURE_READ_TIMEOUT = 2;
/** The response broke after it began, or the proxy shut its pools. */
export const FAILURE_BROKEN = 3;
export type AttemptFailure =
  | typeof FAILURE_CONNECT
  | typeof FAILURE_CONNECT_TIMEOUT
  | typeof FAILURE_READ_TIMEOUT
  | typeof FAILURE_BROKEN;

/** Whether a failed attempt goes on to the next upstream: layer 7, connect errors and connect timeouts. */
export function triesNextUpstream(layer: 4 | 7, failure: AttemptFailure): boolean {
  return layer === 7 && (failure === FAILURE_CONNECT || failure === FAILURE_CONNECT_TIMEOUT);
}

/** The members one request has tried: a stamp per member, so a new request clears it in O(1). */
export class TriedSet implements TriedMembers {
  private marks = new Int32Array(16);
  private stamp = 1;

  /** A new request: nothing tried. */
  clear(): void {
    if (++this.stamp === 0x7fffffff) {
      this.stamp = 1;
      this.marks.fill(0);
    }
  }

  add(member: number): void {
    if (member >= this.marks.length) {
      const marks = new Int32Array(member * 2 + 2);
      marks.set(this.marks);
      this.marks = marks;
    }
    this.marks[member] = this.stamp;
  }

  has(member: number): boolean {
    return member < this.marks.length && this.marks[member] === this.stamp;
  }
}

export class Forwarder {
  private readonly picker: Picker;
  private readonly table: ScopeTable;

  constructor(routing: { readonly picker: Picker; readonly table: ScopeTable }) {
    this.picker = routing.picker;
    this.table = routing.table;
  }

  /**
   * The attempt `out` names failed. Its connection is released; when the policy tries the next
   * upstream, the member is marked in `tried` and the next untried member picked: true, and `out`
   * names the new attempt. False: the request fails, and `out` still names the failed attempt.
   */
  failed(out: RouteResult, failure: AttemptFailure, tried: TriedSet): boolean {
    this.picker.release(out);
    if (!triesNextUpstream(this.table.scopes[out.scope].spec.layer, failure)) return false;
    const member = out.member;
    const backend = out.backend;
    tried.add(member);
    if (this.picker.retry(out, tried)) return true;
    out.member = member;
    out.backend = backend;
    return false;
  }

  /** The scope's sticky cookie in a `Cookie` request header (undefined: none sent, or not cookie-sticky). */
  cookieInHeader(out: RouteResult, header: string | undefined): string | undefined {
    const name = this.table.scopes[out.scope].cookieName;
    return name === null || header === undefined ? undefined : cookieValue(header, name);
  }

  /** The scope's sticky cookie in a modelled client's jar. */
  cookieInJar(out: RouteResult, jar: CookieJar, client: number, now: Micros): string | undefined {
    const name = this.table.scopes[out.scope].cookieName;
    return name === null ? undefined : jar.get(client, name, now);
  }

  /** A successful response with the cookie the pick issued: the client keeps it in its jar. */
  keepIssued(out: RouteResult, jar: CookieJar, client: number, now: Micros): void {
    const s = this.table.scopes[out.scope];
    if (out.issueCookie === null || s.cookieName === null) return;
    jar.set(client, s.cookieName, out.issueCookie, cookieExpiry(s.cookieMaxAge, now));
  }

  /** The `Set-Cookie` value for the cookie the pick issued, or null. */
  setCookie(out: RouteResult): string | null {
    if (out.issueCookie === null) return null;
    const s = this.table.scopes[out.scope];
    return setCookieLine(s.cookieName!, out.issueCookie, s.cookieMaxAge);
  }
}
