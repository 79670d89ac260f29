/**
 * The load driver: autocannon instances sending the planned requests to the listener proxies
 * (one instance per listener, since an autocannon connection talks to one URL), counting where
 * every response came from (`X-Backend`, client side) and keeping its own exact accounting.
 *
 * Requests: every connection pulls the next planned request of its listener in `setupRequest`
 * (method, path, Host, the template's headers and cookies, `X-Slbsim-Client` with the modelled
 * client, `X-Slbsim-Template`), plus the client's cookie jar when the scenario's clients keep
 * cookies (jars per client IP, as in the simulation; `Set-Cookie` is honoured with its Max-Age).
 *
 * Schedules:
 * - `amount`: N planned requests, as fast as the connections go, or at `rate` requests/s;
 * - `duration`: for D seconds, cycling through a block of planned requests;
 * - `phases`: the scenario's phases. The arrival times come from the engine's arrival stream
 *   (uniform, ramps, Poisson); autocannon cannot space requests within a second, so the driver
 *   starts, at each wall-clock second, an instance that sends that second's requests as a burst.
 *   Per-second counts follow the phases exactly; spacing within a second does not.
 *
 * Accounting (not autocannon's `requests.sent`, which over-counts with a rate — anchors §2.3):
 * each connection has at most one request outstanding (pipelining 1), so every request written
 * ends as exactly one of: a response, a failure (connection error or timeout), a loss (the
 * connection closed without either, noticed when the connection sends again), or still in flight
 * when the run ends. sent = completed + failed + lost + inFlight holds by construction.
 */
import type autocannonFn from 'autocannon';
import type { AutocannonClient, AutocannonRequest, Instance, RawResult } from 'autocannon';
import type { LatencySummary } from '../report/report-model.js';
import type { ClientModel } from '../scenario/scenario-model.js';
import { hdrHistogram } from '../util/hdr.js';
import { numberToIp } from '../util/ip.js';
import { requireOnFirstUse } from '../util/require-on-first-use.js';
import type { LiveClock } from './clock.js';
import { CLIENT_HEADER, TEMPLATE_HEADER } from './proxy.js';
import type { RequestPlan } from './request-plan.js';

/**
 * autocannon, loaded at the first load run: its module tree takes ~65 ms to load, which every
 * `slbsim` command paid at start-up when this module imported it (the CLI registers `live` and
 * `probe` beside the rest).
 */
const autocannon = requireOnFirstUse<typeof autocannonFn>(import.meta.url, 'autocannon');

export type LoadSchedule =
  | { readonly kind: 'amount'; readonly rate?: number }
  | { readonly kind: 'duration'; readonly seconds: number; readonly rate?: number }
  | { readonly kind: 'phases' };

export interface LoadOptions {
  readonly plan: RequestPlan;
  /** Proxy URL per listener key; planned requests of other listeners are not sent. */
  readonly targets: ReadonlyMap<string, string>;
  readonly schedule: LoadSchedule;
  /** Total connections, split over the listeners by their share of the plan (at least 1 each). */
  readonly connections: number;
  readonly clients: ClientModel;
  readonly clock: LiveClock;
  /** autocannon's per-request timeout, seconds (default 10). */
  readonly timeoutS?: number;
}

export interface Accounting {
  readonly sent: number;
  readonly completed: number;
  /** Ended by a connection error or a timeout. */
  readonly failed: number;
  /** The connection closed with neither a response nor an error. */
  readonly lost: number;
  readonly inFlight: number;
}

export interface LoadResult {
  readonly accounting: Accounting;
  /** Responses per `X-Backend` value (client side). */
  readonly clientCounts: ReadonlyMap<string, number>;
  /** Responses without an `X-Backend` header, by status. */
  readonly unattributed: ReadonlyMap<number, number>;
  readonly statusCounts: ReadonlyMap<number, number>;
  /** Client-side latency in µs (hdr-histogram, 3 significant digits). */
  readonly latencyUs: LatencySummary;
  /** autocannon's own figures, merged over its instances (latency in ms). */
  readonly autocannon: {
    readonly instances: number;
    readonly latencyMs: LatencySummary;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    /** autocannon's `requests.sent` (over-counts with a rate: not used for accounting). */
    readonly sent: number;
    readonly total: number;
  };
  readonly wallSeconds: number;
  /** Completed responses per wall-clock second. */
  readonly throughput: number;
  /** Planned requests not sent because their listener has no proxy (layer 4), per listener. */
  readonly skipped: ReadonlyMap<string, number>;
  /** What of the scenario's traffic shape autocannon could not reproduce. */
  readonly notes: readonly string[];
  readonly interrupted: boolean;
}

/** A listener's queue of planned request indices. */
class Queue {
  pos = 0;
  constructor(
    readonly idx: Int32Array,
    readonly cyclic: boolean,
  ) {}

  next(): number {
    const n = this.idx.length;
    const k = this.pos++;
    return this.idx[this.cyclic ? k % n : Math.min(k, n - 1)];
  }
}

interface Jar {
  value: string;
  expires: number;
}

export class LoadDriver {
  private sent = 0;
  private completed = 0;
  private failed = 0;
  private lost = 0;
  private readonly outstanding: number[] = [];
  private readonly clientCounts = new Map<string, number>();
  private readonly unattributed = new Map<number, number>();
  private readonly statusCounts = new Map<number, number>();
  private readonly histogram = hdrHistogram().build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
  private readonly instances = new Set<Instance>();
  private readonly raws: RawResult[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending: Array<() => void> = [];
  private readonly jars = new Map<number, Map<string, Jar>>();
  private readonly baseHeaders: Record<string, string>[];
  private readonly baseCookies: string[];
  private instanceCount = 0;
  private stopped = false;
  private started = 0;

  constructor(private readonly options: LoadOptions) {
    const mix = options.plan.mix;
    this.baseHeaders = mix.map((m, k) => ({ ...m.headers, host: m.host, [TEMPLATE_HEADER]: String(k) }));
    this.baseCookies = mix.map((m) =>
      Object.entries(m.cookies)
        .map(([n, v]) => `${n}=${v}`)
        .join('; '),
    );
  }

  /** Run the schedule to the end (or until `stop`). */
  async run(): Promise<LoadResult> {
    this.started = performance.now();
    const { plan, targets, schedule } = this.options;
    const skipped = new Map<string, number>();
    const active: Array<[string, Int32Array]> = [];
    for (const [key, idx] of plan.byListener) {
      if (targets.has(key)) active.push([key, idx]);
      else skipped.set(key, idx.length);
    }
    const total = active.reduce((n, [, idx]) => n + idx.length, 0);
    const notes: string[] = [];
    const runs: Promise<void>[] = [];
    if (total > 0) {
      if (schedule.kind === 'phases') runs.push(this.runPhases(active, total, notes));
      else {
        for (const [key, idx] of active) {
          const share = idx.length / total;
          const queue = new Queue(idx, schedule.kind === 'duration');
          const rate =
            schedule.rate === undefined ? undefined : Math.max(1, Math.round(schedule.rate * share));
          let connections = this.connectionsFor(share);
          if (rate !== undefined) connections = Math.min(connections, rate);
          if (schedule.kind === 'amount') {
            connections = Math.min(connections, idx.length);
            runs.push(
              this.launch(targets.get(key)!, queue, connections, { amount: idx.length, overallRate: rate }),
            );
          } else {
            runs.push(
              this.launch(targets.get(key)!, queue, connections, {
                duration: schedule.seconds,
                overallRate: rate,
              }),
            );
          }
        }
        if (schedule.rate !== undefined)
          notes.push(
            `rate ${schedule.rate}/s: autocannon lets each connection send its share at the start of every second (bursts), not spaced out`,
          );
      }
    }
    await Promise.all(runs);
    return this.result(skipped, notes);
  }

  /** Stop every instance and every pending second; `run` then resolves with what happened. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const settle of this.pending.splice(0)) settle();
    for (const i of this.instances) i.stop();
  }

  private connectionsFor(share: number): number {
    return Math.max(1, Math.round(this.options.connections * share));
  }

  /** One instance per listener per wall-clock second, sending that second's planned requests. */
  private async runPhases(
    active: Array<[string, Int32Array]>,
    total: number,
    notes: string[],
  ): Promise<void> {
    const { plan, clock, targets } = this.options;
    const bucketUs = clock.scale * 1_000_000;
    const last = plan.lastArrival;
    const buckets = Math.floor(last / bucketUs) + 1;
    notes.push(
      "phases: per-second request counts follow the phases (the engine's arrival stream: uniform, ramps, Poisson); within each second autocannon sends them as one burst, not spaced out",
      'each autocannon connection is closed-loop (next request after the previous response), so a burst the proxy cannot absorb within its second spills into the next',
    );
    const launches: Promise<void>[] = [];
    for (const [key, idx] of active) {
      const counts = new Int32Array(buckets);
      for (let k = 0; k < idx.length; k++) counts[Math.floor(plan.at[idx[k]] / bucketUs)]++;
      const queue = new Queue(idx, false);
      const share = idx.length / total;
      const url = targets.get(key)!;
      for (let b = 0; b < buckets; b++) {
        const amount = counts[b];
        if (amount === 0) continue;
        launches.push(
          new Promise<void>((resolve) => {
            const fire = () => {
              if (this.stopped) return resolve();
              this.launch(url, queue, Math.min(this.connectionsFor(share), amount), { amount }).then(
                resolve,
                resolve,
              );
            };
            const wait = this.started + b * 1000 - performance.now();
            if (wait <= 0) fire();
            else {
              this.timers.push(setTimeout(fire, wait));
              // `stop` clears the timers: settle this second's promise too.
              this.pending.push(resolve);
            }
          }),
        );
      }
    }
    await Promise.all(launches);
  }

  private launch(
    url: string,
    queue: Queue,
    connections: number,
    extra: { amount?: number; duration?: number; overallRate?: number },
  ): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const request = this.requestFor(queue);
    const instance = autocannon()({
      url,
      connections,
      pipelining: 1,
      timeout: this.options.timeoutS ?? 10,
      requests: [request],
      setupClient: (client) => this.track(client),
      skipAggregateResult: true,
      ...(extra.amount !== undefined ? { amount: extra.amount } : {}),
      ...(extra.duration !== undefined ? { duration: extra.duration } : {}),
      ...(extra.overallRate !== undefined ? { overallRate: extra.overallRate } : {}),
    });
    this.instanceCount++;
    this.instances.add(instance);
    instance.on('response', (_client, _status, _bytes, ms) => {
      this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    });
    instance.on('reqError', () => {});
    return new Promise<void>((resolve) => {
      instance.then(
        (raw) => {
          this.instances.delete(instance);
          this.raws.push(raw);
          resolve();
        },
        () => {
          this.instances.delete(instance);
          resolve();
        },
      );
    });
  }

  /** Per-connection accounting: at most one request outstanding per connection. */
  private track(client: AutocannonClient): void {
    const slot = this.outstanding.length;
    this.outstanding.push(0);
    const out = this.outstanding;
    // autocannon reconnects and sends the next request *before* it emits 'timeout', so a request
    // found outstanding at send time is classified a microtask later: failed when a timeout came,
    // else lost (its connection closed with neither a response nor an error).
    let timedOut = 0;
    const classify = () => {
      if (timedOut > 0) timedOut--;
      else if (out[slot] > 1) {
        this.lost++;
        out[slot]--;
      }
    };
    client.on('request', () => {
      this.sent++;
      out[slot]++;
      if (out[slot] > 1) queueMicrotask(classify);
    });
    client.on('response', () => {
      if (out[slot] > 0) out[slot]--;
    });
    client.on('connError', () => {
      if (out[slot] > 0) {
        out[slot]--;
        this.failed++;
      }
    });
    client.on('timeout', () => {
      if (out[slot] > 0) {
        out[slot]--;
        this.failed++;
        timedOut++;
      }
    });
  }

  /** The one request object of an instance: each send pulls the next planned request. */
  private requestFor(queue: Queue): AutocannonRequest {
    const plan = this.options.plan;
    const keepCookies = this.options.clients.keepCookies;
    const clock = this.options.clock;
    return {
      setupRequest: (req, context) => {
        const j = queue.next();
        const k = plan.template[j];
        const t = plan.mix[k];
        const ip = plan.clientIp[j];
        const headers: Record<string, string> = { ...this.baseHeaders[k] };
        headers[CLIENT_HEADER] = `${numberToIp(ip)}:${plan.clientPort[j]}`;
        let cookie = this.baseCookies[k];
        if (keepCookies) {
          const jar = this.jars.get(ip);
          if (jar !== undefined) {
            const now = clock.now();
            for (const [name, c] of jar) {
              if (c.expires <= now) jar.delete(name);
              else cookie = cookie === '' ? `${name}=${c.value}` : `${cookie}; ${name}=${c.value}`;
            }
          }
        }
        if (cookie !== '') headers.cookie = cookie;
        req.method = t.method;
        req.path = t.path;
        req.headers = headers;
        context.j = j;
        return req;
      },
      onResponse: (status, _body, context, headers) => {
        this.completed++;
        this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
        const xb = headers['x-backend'] ?? headers['X-Backend'] ?? headerIgnoreCase(headers, 'x-backend');
        if (typeof xb === 'string') this.clientCounts.set(xb, (this.clientCounts.get(xb) ?? 0) + 1);
        else this.unattributed.set(status, (this.unattributed.get(status) ?? 0) + 1);
        if (keepCookies) {
          const set = headers['set-cookie'] ?? headerIgnoreCase(headers, 'set-cookie');
          if (set !== undefined) this.remember(plan.clientIp[context.j as number], set);
        }
      },
    };
  }

  /** Store Set-Cookie values in the client's jar (name=value; Max-Age=N). */
  private remember(ip: number, set: string | string[]): void {
    let jar = this.jars.get(ip);
    if (jar === undefined) this.jars.set(ip, (jar = new Map()));
    const now = this.options.clock.now();
    for (const line of Array.isArray(set) ? set : [set]) {
      const parts = line.split(';');
      const eq = parts[0].indexOf('=');
      if (eq <= 0) continue;
      const name = parts[0].slice(0, eq).trim();
      const value = parts[0].slice(eq + 1).trim();
      let expires = Number.POSITIVE_INFINITY;
      for (const p of parts.slice(1)) {
        const m = /^\s*max-age\s*=\s*(-?\d+)\s*$/i.exec(p);
        if (m) expires = now + Number(m[1]) * 1_000_000;
      }
      jar.set(name, { value, expires });
    }
  }

  private result(skipped: Map<string, number>, notes: string[]): LoadResult {
    const wallSeconds = (performance.now() - this.started) / 1000;
    const inFlight = this.outstanding.reduce((a, b) => a + b, 0);
    const h = this.histogram;
    const latencyUs: LatencySummary = {
      count: h.totalCount,
      min: h.totalCount === 0 ? 0 : h.minNonZeroValue,
      mean: round(h.totalCount === 0 ? 0 : h.mean),
      p50: h.getValueAtPercentile(50),
      p90: h.getValueAtPercentile(90),
      p99: h.getValueAtPercentile(99),
      p999: h.getValueAtPercentile(99.9),
      max: h.maxValue,
    };
    let ac: LoadResult['autocannon'];
    if (this.raws.length > 0) {
      const agg = autocannon().aggregateResult(this.raws, {
        url: [...this.options.targets.values()],
        connections: this.options.connections,
      });
      ac = {
        instances: this.instanceCount,
        latencyMs: {
          count: agg.latency.totalCount,
          min: agg.latency.min,
          mean: round(agg.latency.mean),
          p50: agg.latency.p50,
          p90: agg.latency.p90,
          p99: agg.latency.p99,
          p999: agg.latency.p99_9,
          max: agg.latency.max,
        },
        errors: agg.errors,
        timeouts: agg.timeouts,
        non2xx: agg.non2xx,
        sent: agg.requests.sent,
        total: this.raws.reduce((n, r) => n + r.totalCompletedRequests, 0),
      };
    } else {
      const zero = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
      ac = {
        instances: this.instanceCount,
        latencyMs: zero,
        errors: 0,
        timeouts: 0,
        non2xx: 0,
        sent: 0,
        total: 0,
      };
    }
    return {
      accounting: {
        sent: this.sent,
        completed: this.completed,
        failed: this.failed,
        lost: this.lost,
        inFlight,
      },
      clientCounts: this.clientCounts,
      unattributed: this.unattributed,
      statusCounts: this.statusCounts,
      latencyUs,
      autocannon: ac,
      wallSeconds: round(wallSeconds),
      throughput: round(wallSeconds > 0 ? this.completed / wallSeconds : 0),
      skipped,
      notes,
      interrupted: this.stopped,
    };
  }
}

/** A header by name in any case (autocannon keeps the case the server sent). */
function headerIgnoreCase(
  headers: Record<string, string | string[]>,
  lower: string,
): string | string[] | undefined {
  for (const k in headers) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
