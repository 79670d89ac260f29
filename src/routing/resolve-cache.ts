/**
 * The resolver's results per request template (listener, Host, path), valid for one resolver
 * `version`: a request of a known template resolves with three typed-array reads. Templates are
 * small dense indexes (the engine's request mix and trace rows).
 */
import type { Resolver } from './resolver.js';
import type { RouteResult } from './route-result.js';

export class ResolveCache {
  private version = new Int32Array(16).fill(-1);
  private scope = new Int32Array(16);
  private outcome = new Uint8Array(16);

  constructor(private readonly resolver: Resolver) {}

  /** Make room for template index `template` (its first resolve then misses). */
  reserve(template: number): void {
    if (template < this.version.length) return;
    let cap = this.version.length;
    while (cap <= template) cap *= 2;
    const version = new Int32Array(cap).fill(-1);
    version.set(this.version);
    const scope = new Int32Array(cap);
    scope.set(this.scope);
    const outcome = new Uint8Array(cap);
    outcome.set(this.outcome);
    this.version = version;
    this.scope = scope;
    this.outcome = outcome;
  }

  /**
   * `Resolver.resolve` for a request of `template` at `listener`: sets `out.listener`, `out.scope`,
   * `out.outcome` and clears the pick (member, backend, node, worker).
   */
  resolve(template: number, listener: number, host: string, path: string, out: RouteResult): void {
    if (this.version[template] !== this.resolver.version) this.refill(template, listener, host, path, out);
    out.listener = listener;
    out.scope = this.scope[template];
    out.outcome = this.outcome[template];
    out.node = 0;
    out.worker = 0;
    out.backend = -1;
    out.member = -1;
  }

  /** A miss: resolve and keep the result for this version (apart, so the hit path stays small). */
  private refill(template: number, listener: number, host: string, path: string, out: RouteResult): void {
    const r = this.resolver;
    r.resolve(listener, host, path, out);
    this.version[template] = r.version;
    this.scope[template] = out.scope;
    this.outcome[template] = out.outcome;
  }
}
