/**
 * The live run's request sequence, built the way the simulation builds its own: the scenario's
 * request mix drawn with the engine's alias table from the seeded `mix` stream, the client (source
 * IP and port) from the `clients` stream, and — when the scenario's phases drive the load — the
 * arrival times from the engine's own `ArrivalStream` on the `arrivals` stream. So, for the same
 * seed, request k of a live run is request k of `slbsim run` (template and client); only the
 * instant it is sent differs (autocannon sends per-second bursts, see load.ts).
 *
 * Storage: typed columns, one row per planned request; then per listener the indices of its
 * requests, in sequence order (each listener gets its own autocannon instance).
 */
import { AliasTable } from '../engine/alias.js';
import { ArrivalStream } from '../engine/arrivals.js';
import type { ClientModel, Phase, RequestTemplate } from '../scenario/scenario-model.js';
import type { Micros } from '../util/duration.js';
import { ipToNumber } from '../util/ip.js';
import { stream } from '../util/rng.js';

export class RequestPlan {
  readonly size: number;
  readonly template: Int32Array;
  readonly clientIp: Uint32Array;
  readonly clientPort: Uint16Array;
  /** Scenario arrival time (µs) when built from phases; 0 otherwise. */
  readonly at: Float64Array;
  /** Planned request indices per listener key, in sequence order. */
  readonly byListener = new Map<string, Int32Array>();

  private constructor(
    readonly mix: readonly RequestTemplate[],
    size: number,
  ) {
    this.size = size;
    this.template = new Int32Array(size);
    this.clientIp = new Uint32Array(size);
    this.clientPort = new Uint16Array(size);
    this.at = new Float64Array(size);
  }

  /** `count` requests of the mix (no arrival times). */
  static ofCount(
    mix: readonly RequestTemplate[],
    clients: ClientModel,
    seed: string,
    count: number,
  ): RequestPlan {
    const plan = new RequestPlan(mix, count);
    plan.draw(clients, seed);
    plan.split();
    return plan;
  }

  /**
   * The requests the phases make (at most `cap`), with their arrival times. Returns the plan; the
   * arrival stream is the engine's, so times equal the simulation's for the same seed.
   */
  static ofPhases(
    mix: readonly RequestTemplate[],
    clients: ClientModel,
    seed: string,
    phases: readonly Phase[],
    cap: number = Number.POSITIVE_INFINITY,
    maxRequests = 50_000_000,
  ): RequestPlan {
    const arrivals = new ArrivalStream(phases, stream(seed, 'arrivals'), cap);
    const times: number[] = [];
    for (let t = arrivals.next(); t !== Number.POSITIVE_INFINITY; t = arrivals.next()) {
      times.push(t);
      if (times.length > maxRequests)
        throw new RangeError(`the phases make more than ${maxRequests} requests; cap them with --amount`);
    }
    const plan = new RequestPlan(mix, times.length);
    plan.at.set(times);
    plan.draw(clients, seed);
    plan.split();
    return plan;
  }

  /** Requests of `listenerKey` whose arrival falls in [from, to) µs (phase plans). */
  countIn(listenerKey: string, from: Micros, to: Micros): number {
    const idx = this.byListener.get(listenerKey);
    if (!idx) return 0;
    let n = 0;
    for (let k = 0; k < idx.length; k++) {
      const t = this.at[idx[k]];
      if (t >= from && t < to) n++;
    }
    return n;
  }

  /** The last arrival time (µs), 0 for an empty or count plan. */
  get lastArrival(): Micros {
    return this.size === 0 ? 0 : this.at[this.size - 1];
  }

  private draw(clients: ClientModel, seed: string): void {
    if (this.mix.length === 0) return;
    const table = new AliasTable(this.mix.map((m) => m.weight));
    const mixRandom = stream(seed, 'mix');
    const clientRandom = stream(seed, 'clients');
    const ips = clients.ips;
    const ports = clients.portsPerIp;
    const firstIp = ipToNumber(clients.firstIp) ?? 0x0a000001;
    for (let j = 0; j < this.size; j++) {
      this.template[j] = table.draw(mixRandom);
      const c = Math.floor(clientRandom() * ips * ports);
      const ipIndex = Math.floor(c / ports);
      this.clientIp[j] = (firstIp + ipIndex) >>> 0;
      this.clientPort[j] = clients.firstPort + (c - ipIndex * ports);
    }
  }

  private split(): void {
    const counts = new Map<string, number>();
    for (let j = 0; j < this.size; j++) {
      const key = this.mix[this.template[j]].listener;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const fill = new Map<string, number>();
    for (const [key, n] of counts) {
      this.byListener.set(key, new Int32Array(n));
      fill.set(key, 0);
    }
    for (let j = 0; j < this.size; j++) {
      const key = this.mix[this.template[j]].listener;
      const k = fill.get(key)!;
      this.byListener.get(key)![k] = j;
      fill.set(key, k + 1);
    }
  }
}
