/**
 * The live backends: one real HTTP server per modelled (ECS, port), each on 127.0.0.1 and an
 * ephemeral port, answering every request with `X-Backend: <ServerId>:<Port>` after the scenario's
 * modelled service time (if any). Each counts what it served (the backend-side count the report
 * holds against the client-side `X-Backend` count) and, separately, the health checks it answered.
 *
 * A backend can be killed (it really stops listening and its open sockets are destroyed, so
 * connects are refused and in-flight requests fail) and restarted (on the same port if it is still
 * free, else on a new one; address watchers learn about the move). The fleet closes itself after
 * `lifetimeMs` so nothing outlives a run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceTimeSampler } from '../engine/service-sampler.js';
import type { ServiceModel } from '../scenario/scenario-model.js';
import { stream } from '../util/rng.js';
import { uniformsOf } from '../util/uniform-source.js';
import { type AddressMap, backendKey } from './address-map.js';
import { serviceFor } from './live-service-time.js';

/** The only address live servers bind to. */
export const LOOPBACK = '127.0.0.1';
/** Header the health checker sends, so checks are not counted as served requests. */
export const HEALTH_HEADER = 'x-slbsim-health';
/** Header the live proxy sends with the group the request was scheduled in (service-time lookup). */
export const GROUP_HEADER = 'x-slbsim-group';

export interface BackendSpec {
  readonly ServerId: string;
  readonly Port: number;
}

export interface FleetOptions {
  /** Modelled service times; absent = answer at once. */
  readonly service?: ServiceModel;
  /** Seed of the service-time streams (one stream per backend). */
  readonly seed?: string;
  /** Close everything after this long (default 1 hour); the timer does not keep the process alive. */
  readonly lifetimeMs?: number;
  /** Preferred real port per `ServerId:Port` (0 or absent = ephemeral). */
  readonly ports?: ReadonlyMap<string, number>;
  /** Scenario seconds per wall-clock second: a modelled service time waits `draw / timeScale` (default 1). */
  readonly timeScale?: number;
}

export type AddressWatcher = (index: number, port: number) => void;

/** One live backend. */
export class LiveBackend {
  server: http.Server | null = null;
  /** Real port (the last one it listened on). */
  port = 0;
  alive = false;
  readonly headers: string[];
  readonly body: Buffer;

  constructor(
    readonly index: number,
    readonly ServerId: string,
    readonly Port: number,
    readonly sampler: ServiceTimeSampler,
  ) {
    this.body = Buffer.from(`${ServerId}:${Port}\n`);
    this.headers = [
      'X-Backend',
      backendKey(ServerId, Port),
      'Content-Type',
      'text/plain',
      'Content-Length',
      String(this.body.length),
    ];
  }

  get key(): string {
    return backendKey(this.ServerId, this.Port);
  }
}

export class BackendFleet {
  readonly backends: LiveBackend[] = [];
  /** Requests answered (health checks excluded), per backend index. */
  readonly served: Float64Array;
  /** Health checks answered, per backend index. */
  readonly healthChecks: Float64Array;
  private readonly byKey = new Map<string, number>();
  private readonly watchers: AddressWatcher[] = [];
  private readonly lifetime: NodeJS.Timeout;
  private closed = false;

  private constructor(
    specs: readonly BackendSpec[],
    private readonly options: FleetOptions,
  ) {
    const seed = options.seed ?? '0';
    for (const spec of specs) {
      const key = backendKey(spec.ServerId, spec.Port);
      if (this.byKey.has(key)) continue;
      const index = this.backends.length;
      this.byKey.set(key, index);
      this.backends.push(
        new LiveBackend(
          index,
          spec.ServerId,
          spec.Port,
          new ServiceTimeSampler(uniformsOf(stream(seed, `live/service/${key}`))),
        ),
      );
    }
    this.served = new Float64Array(this.backends.length);
    this.healthChecks = new Float64Array(this.backends.length);
    this.lifetime = setTimeout(() => void this.close(), options.lifetimeMs ?? 3_600_000);
    this.lifetime.unref();
  }

  /** Start one server per distinct (ServerId, Port); rejects (and closes what started) on failure. */
  static async start(specs: readonly BackendSpec[], options: FleetOptions = {}): Promise<BackendFleet> {
    const fleet = new BackendFleet(specs, options);
    try {
      for (const b of fleet.backends) await fleet.listen(b, options.ports?.get(b.key) ?? 0, false);
    } catch (err) {
      await fleet.close();
      throw err;
    }
    return fleet;
  }

  /** Index of `ServerId:Port`, or -1. */
  indexOf(key: string): number {
    return this.byKey.get(key) ?? -1;
  }

  /** Called with (index, newPort) whenever a restarted backend had to move to another port. */
  watch(watcher: AddressWatcher): void {
    this.watchers.push(watcher);
  }

  addressMap(): AddressMap {
    return {
      version: 1,
      backends: this.backends.map((b) => ({
        ServerId: b.ServerId,
        Port: b.Port,
        address: LOOPBACK,
        port: b.port,
      })),
    };
  }

  /** Stop listening and destroy every open socket of backend `index` (no-op when already down). */
  async kill(index: number): Promise<void> {
    const b = this.backends[index];
    const server = b.server;
    if (!server || !b.alive) return;
    b.alive = false;
    b.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /**
   * Listen again, on the previous port when it is free, else on a new ephemeral port (watchers
   * are told). Returns the port. No-op when it is already up or the fleet is closed.
   */
  async restart(index: number): Promise<number> {
    const b = this.backends[index];
    if (b.alive || this.closed) return b.port;
    const previous = b.port;
    try {
      await this.listen(b, previous, true);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      await this.listen(b, 0, true);
    }
    if (b.port !== previous) for (const w of this.watchers) w(index, b.port);
    return b.port;
  }

  /** Close every server and socket; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.lifetime);
    await Promise.all(this.backends.map((b) => this.kill(b.index)));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private listen(b: LiveBackend, port: number, restarting: boolean): Promise<void> {
    const server = http.createServer({ keepAlive: true }, this.handler(b));
    server.keepAliveTimeout = 65_000;
    return new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.close();
        reject(
          restarting || err.code !== 'EADDRINUSE'
            ? err
            : Object.assign(new Error(`backend ${b.key}: ${LOOPBACK}:${port} is already in use`), {
                code: err.code,
              }),
        );
      };
      server.once('error', onError);
      server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', () => {});
        b.server = server;
        b.port = (server.address() as AddressInfo).port;
        b.alive = true;
        resolve();
      });
    });
  }

  private handler(b: LiveBackend): http.RequestListener {
    const service = this.options.service;
    const served = this.served;
    const checks = this.healthChecks;
    const index = b.index;
    const scale = this.options.timeScale ?? 1;
    return (req, res) => {
      if (req.headers[HEALTH_HEADER] !== undefined) {
        checks[index]++;
        res.writeHead(200, b.headers);
        res.end(b.body);
        return;
      }
      const group = req.headers[GROUP_HEADER];
      const d = serviceFor(service, b.ServerId, b.Port, typeof group === 'string' ? group : undefined);
      if (d === undefined) {
        served[index]++;
        res.writeHead(200, b.headers);
        res.end(b.body);
        return;
      }
      const us = b.sampler.sample(d) / scale;
      if (us < 1000) setImmediate(answerLater, res, b, served);
      else setTimeout(answerLater, us / 1000, res, b, served);
    };
  }
}

/** Answer a delayed request unless its connection died meanwhile (a killed backend serves nothing). */
function answerLater(res: http.ServerResponse, b: LiveBackend, served: Float64Array): void {
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  served[b.index]++;
  res.writeHead(200, b.headers);
  res.end(b.body);
}
