/**
 * The two runs compared request by request. Both replay the same arrivals, mix and client draws
 * (separate seeded streams), so request `id` i is the same request in both; this accumulator is
 * given each pair of rows — where the request went before the change and where it goes after —
 * and counts, from the change's first instant on:
 *
 * - per scope and backend: requests and served counts on each side, and the requests that move
 *   (a request moves when its scope or its backend differs) out of and into each;
 * - per listener: requests, and those whose route (rule, listener group, default pool, or a
 *   refusal) changes, per request template and (from route, to route);
 * - per scope with affinity (consistent hashing, stickiness): the distinct clients that reached
 *   it on both sides, and those whose requests were remapped to another backend.
 *
 * O(1) per pair with flat typed counters; maps only for (scope, backend) cells, route changes
 * and the clients of affinity scopes.
 */
import {
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NAMES,
  OUTCOME_NO_BACKEND,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
} from '../routing/outcomes.js';
import { AFFINITY_IP, AFFINITY_NONE } from './plan-keys.js';

/** Scope stat columns. */
const S_REQ_B = 0;
const S_REQ_A = 1;
const S_SERVED_B = 2;
const S_SERVED_A = 3;
const S_NOBACK_B = 4;
const S_NOBACK_A = 5;
const S_OUT = 6;
const S_IN = 7;
const S_STRIDE = 8;

/** Cell (scope, backend) columns. */
const C_SERVED_B = 0;
const C_SERVED_A = 1;
const C_OUT = 2;
const C_IN = 3;
const C_STRIDE = 4;

const BACKEND_RADIX = 2 ** 21;
const ROUTE_RADIX = 2 ** 26;
/** Routes without a scope: -1 − outcome (listener stopped → −3, no such listener → −4). */
const ROUTE_OFFSET = 8;
/** Client keys: an IPv4 number, or 2^48 + ip·65536 + port for a (source IP, port) tuple. */
const TUPLE_BASE = 2 ** 48;

/** Client flags. */
const CLIENT_SEEN = 1;
const CLIENT_REMAPPED = 2;

export interface CellCounts {
  readonly scope: number;
  readonly backend: number;
  readonly served: readonly [number, number];
  readonly movedOut: number;
  readonly movedIn: number;
}

export interface ScopeCounts {
  readonly requests: readonly [number, number];
  readonly served: readonly [number, number];
  readonly noEligibleBackend: readonly [number, number];
  readonly movedOut: number;
  readonly movedIn: number;
}

export interface ClientCounts {
  /** Bit mask of the client keys seen: AFFINITY_IP, AFFINITY_TUPLE. */
  readonly keys: number;
  readonly seen: number;
  readonly remapped: number;
}

export interface RouteChange {
  readonly template: number;
  /** A global scope index, or −1 − outcome for a refused request (no scope). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export class TrafficDiff {
  /** Requests compared (arrived at or after `fromUs`). */
  compared = 0;
  moved = 0;
  /** Requests that arrived before the change (identical on both sides by construction). */
  earlier = 0;
  /** Arrival time of the last request (−1: none). */
  lastUs = -1;
  readonly outcomes: [Float64Array, Float64Array] = [
    new Float64Array(OUTCOME_NAMES.length),
    new Float64Array(OUTCOME_NAMES.length),
  ];
  private scopes = new Float64Array(16 * S_STRIDE);
  private cells = new Float64Array(64 * C_STRIDE);
  private readonly cellIndex = new Map<number, number>();
  private readonly cellKeys: number[] = [];
  private listenerRequests = new Float64Array(16);
  private listenerChanged = new Float64Array(16);
  private templateListener = new Int32Array(16).fill(-1);
  private readonly routes = new Map<number, Map<number, number>>();
  private readonly clients = new Map<number, Map<number, number>>();
  private readonly clientKeys = new Map<number, number>();

  constructor(readonly fromUs: number) {}

  /** One request: its row before the change (`…B`) and after (`…A`). */
  add(
    t: number,
    template: number,
    listener: number,
    clientIp: number,
    clientPort: number,
    scopeB: number,
    backendB: number,
    outcomeB: number,
    affinityB: number,
    scopeA: number,
    backendA: number,
    outcomeA: number,
    affinityA: number,
  ): void {
    if (template >= this.templateListener.length)
      this.templateListener = growInt(this.templateListener, template);
    this.templateListener[template] = listener;
    this.lastUs = t;
    if (t < this.fromUs) {
      this.earlier++;
      return;
    }
    this.compared++;
    this.outcomes[0][outcomeB]++;
    this.outcomes[1][outcomeA]++;
    const moved = scopeB !== scopeA || backendB !== backendA;
    if (moved) this.moved++;
    if (listener >= this.listenerRequests.length) {
      this.listenerRequests = grow(this.listenerRequests, listener);
      this.listenerChanged = grow(this.listenerChanged, listener);
    }
    this.listenerRequests[listener]++;
    if (scopeB >= 0) this.side(scopeB, 0, outcomeB, backendB, moved);
    if (scopeA >= 0) this.side(scopeA, 1, outcomeA, backendA, moved);
    const routeB = scopeB >= 0 ? scopeB : -1 - outcomeB;
    const routeA = scopeA >= 0 ? scopeA : -1 - outcomeA;
    if (routeB !== routeA) {
      this.listenerChanged[listener]++;
      let byRoute = this.routes.get(template);
      if (byRoute === undefined) this.routes.set(template, (byRoute = new Map()));
      const key = (routeB + ROUTE_OFFSET) * ROUTE_RADIX + (routeA + ROUTE_OFFSET);
      byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
    }
    if (scopeB === scopeA && scopeB >= 0 && (affinityB !== AFFINITY_NONE || affinityA !== AFFINITY_NONE)) {
      const kind = affinityA !== AFFINITY_NONE ? affinityA : affinityB;
      const key = kind === AFFINITY_IP ? clientIp : TUPLE_BASE + clientIp * 65536 + clientPort;
      let seen = this.clients.get(scopeB);
      if (seen === undefined) this.clients.set(scopeB, (seen = new Map()));
      this.clientKeys.set(scopeB, (this.clientKeys.get(scopeB) ?? 0) | kind);
      const flags = seen.get(key) ?? 0;
      const next = flags | CLIENT_SEEN | (backendB !== backendA ? CLIENT_REMAPPED : 0);
      if (next !== flags) seen.set(key, next);
    }
  }

  private side(scope: number, side: 0 | 1, outcome: number, backend: number, moved: boolean): void {
    if ((scope + 1) * S_STRIDE > this.scopes.length) this.scopes = grow(this.scopes, (scope + 1) * S_STRIDE);
    const s = scope * S_STRIDE;
    const st = this.scopes;
    st[s + S_REQ_B + side]++;
    if (outcome === OUTCOME_OK) st[s + S_SERVED_B + side]++;
    else if (outcome === OUTCOME_NO_BACKEND) st[s + S_NOBACK_B + side]++;
    if (moved) st[s + (side === 0 ? S_OUT : S_IN)]++;
    if (backend < 0) return;
    const key = scope * BACKEND_RADIX + backend;
    let c = this.cellIndex.get(key);
    if (c === undefined) {
      c = this.cellKeys.length;
      this.cellKeys.push(key);
      this.cellIndex.set(key, c);
      if ((c + 1) * C_STRIDE > this.cells.length) this.cells = grow(this.cells, (c + 1) * C_STRIDE);
    }
    const o = c * C_STRIDE;
    if (outcome === OUTCOME_OK) this.cells[o + C_SERVED_B + side]++;
    if (moved) this.cells[o + (side === 0 ? C_OUT : C_IN)]++;
  }

  // ---- results ------------------------------------------------------------------------------

  scopeCounts(scope: number): ScopeCounts {
    const s = scope * S_STRIDE;
    const v = (k: number) => (s + k < this.scopes.length ? this.scopes[s + k] : 0);
    return {
      requests: [v(S_REQ_B), v(S_REQ_A)],
      served: [v(S_SERVED_B), v(S_SERVED_A)],
      noEligibleBackend: [v(S_NOBACK_B), v(S_NOBACK_A)],
      movedOut: v(S_OUT),
      movedIn: v(S_IN),
    };
  }

  /** Every (scope, backend) cell that took or lost a request. */
  cellCounts(): CellCounts[] {
    return this.cellKeys.map((key, c) => {
      const o = c * C_STRIDE;
      return {
        scope: Math.floor(key / BACKEND_RADIX),
        backend: key % BACKEND_RADIX,
        served: [this.cells[o + C_SERVED_B], this.cells[o + C_SERVED_A]],
        movedOut: this.cells[o + C_OUT],
        movedIn: this.cells[o + C_IN],
      };
    });
  }

  listenerCounts(listener: number): { readonly requests: number; readonly routeChanged: number } {
    return {
      requests: this.listenerRequests[listener] ?? 0,
      routeChanged: this.listenerChanged[listener] ?? 0,
    };
  }

  /** The global listener of a template (−1 when it never arrived). */
  listenerOfTemplate(template: number): number {
    return this.templateListener[template] ?? -1;
  }

  get templates(): number {
    let n = this.templateListener.length;
    while (n > 0 && this.templateListener[n - 1] < 0) n--;
    return n;
  }

  routeChanges(): RouteChange[] {
    const out: RouteChange[] = [];
    for (const [template, byRoute] of this.routes)
      for (const [key, count] of byRoute)
        out.push({
          template,
          from: Math.floor(key / ROUTE_RADIX) - ROUTE_OFFSET,
          to: (key % ROUTE_RADIX) - ROUTE_OFFSET,
          count,
        });
    return out;
  }

  clientCounts(scope: number): ClientCounts | null {
    const seen = this.clients.get(scope);
    if (seen === undefined) return null;
    let remapped = 0;
    for (const f of seen.values()) if (f & CLIENT_REMAPPED) remapped++;
    return { keys: this.clientKeys.get(scope) ?? 0, seen: seen.size, remapped };
  }
}

/** The outcome a route without a scope stands for (−1 − outcome → outcome). */
export function refusalOutcome(route: number): number {
  return -1 - route;
}

export const REFUSALS = {
  listenerStopped: -1 - OUTCOME_LISTENER_STOPPED,
  noListener: -1 - OUTCOME_NO_LISTENER,
};

function grow(a: Float64Array, atLeast: number): Float64Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n <= atLeast) n *= 2;
  const next = new Float64Array(n);
  next.set(a);
  return next;
}

function growInt(a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n <= atLeast) n *= 2;
  const next = new Int32Array(n).fill(-1);
  next.set(a);
  return next;
}
