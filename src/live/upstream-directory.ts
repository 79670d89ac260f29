/**
 * Which real address each backend the balancer knows (by its global backend index) has, and the
 * keep-alive pool to it. Pools are shared by every listener proxy, created on first use, and
 * follow a backend that restarted on another port. A backend with no live server (nothing listens
 * for that ServerId:Port) gets a closed pool whose requests fail like a refused connection.
 */
import type { Balancer } from '../routing/balancer.js';
import { LOOPBACK } from './live-backends.js';
import { DEFAULT_POOL_OPTIONS, type PoolOptions, UpstreamPool } from './upstream.js';

/** Real port of a modelled backend, or undefined when none runs. */
export type PortResolver = (ServerId: string, Port: number) => number | undefined;

export class UpstreamDirectory {
  private readonly pools: (UpstreamPool | undefined)[] = [];
  private closed = false;
  /** ECS instances that are stopped (their backends time out instead of refusing). */
  private readonly stopped = new Set<string>();

  constructor(
    private readonly balancer: Balancer,
    private readonly resolvePort: PortResolver,
    readonly options: PoolOptions = DEFAULT_POOL_OPTIONS,
    readonly host: string = LOOPBACK,
  ) {}

  /** The pool of balancer backend `index`. */
  pool(index: number): UpstreamPool {
    const known = this.pools[index];
    if (known !== undefined) return known;
    const b = this.balancer.backends[index];
    const port = b === undefined ? undefined : this.resolvePort(b.ServerId, b.Port);
    const pool = new UpstreamPool(this.host, port ?? 0, this.options);
    if (port === undefined || this.closed) pool.close();
    if (b !== undefined && this.stopped.has(b.ServerId)) pool.unreachable = true;
    this.pools[index] = pool;
    return pool;
  }

  /** Real port of balancer backend `index` now (undefined when none runs). */
  portOf(index: number): number | undefined {
    const b = this.balancer.backends[index];
    return b === undefined ? undefined : this.resolvePort(b.ServerId, b.Port);
  }

  /** A backend restarted on another port. */
  moved(ServerId: string, Port: number, port: number): void {
    const index = this.balancer.findBackend(ServerId, Port);
    if (index >= 0) this.pools[index]?.moveTo(port);
  }

  /** An ECS instance stopped or started: its backends time out on connect while it is stopped. */
  setInstanceStopped(ServerId: string, stopped: boolean): void {
    if (stopped) this.stopped.add(ServerId);
    else this.stopped.delete(ServerId);
    this.pools.forEach((p, i) => {
      if (p !== undefined && this.balancer.backends[i]?.ServerId === ServerId) p.unreachable = stopped;
    });
  }

  /** Whether the backend's ECS is stopped (nothing answers there). */
  isUnreachable(ServerId: string): boolean {
    return this.stopped.has(ServerId);
  }

  /** Connections open or opening, over all pools. */
  get openConnections(): number {
    let n = 0;
    for (const p of this.pools) if (p) n += p.open;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const p of this.pools) p?.close();
  }
}
