/**
 * The balancer: the request path's parts wired together as one object, shared by the simulation
 * engine and the live proxy so both decide with the same code.
 *
 * - `resolver` (resolver.ts): request → scope (rules, the listener's groups, the default pool);
 * - `table` (scope-table.ts): the scopes, their members, epochs, eligibility and health verdicts;
 * - `picker` (picker.ts): scope → member (stickiness, scheduler and cluster model, failover), and
 *   the scheduler bookkeeping of open connections;
 * - the forwarder (forwarder.ts, one per caller): the retry policy and sticky cookies.
 *
 * `applyState` and `setHealth` change the world; every scope whose weights or eligible set change
 * starts a new epoch, reported to the observer (the engine journals it). `resolve` and `pick` are
 * the short way for callers that need nothing else (tests, `slbsim route`, benchmarks).
 *
 * Hot path: `resolve` and `pick` write into a reused `RouteResult` and allocate nothing.
 */
import type { ClusterShape } from '../scenario/scenario-model.js';
import type { TopologyState } from '../topology/types.js';
import type { Micros } from '../util/duration.js';
import { Picker } from './picker.js';
import { type ListenerObserver, type ListenerRuntime, Resolver } from './resolver.js';
import {
  type CompiledTopology,
  type CompileOptions,
  compileTopology,
  DEFAULT_COMPILE_OPTIONS,
} from './route-compiler.js';
import type { RouteResult } from './route-result.js';
import { type BackendInfo, type ScopeObserver, type ScopeRuntime, ScopeTable } from './scope-table.js';

export { type ListenerObserver, ListenerRuntime } from './resolver.js';
export { Connection, type ConnectionRef, RouteResult } from './route-result.js';
export { type BackendInfo, type EpochMember, type ScopeObserver, ScopeRuntime } from './scope-table.js';

export interface BalancerObserver extends ListenerObserver, ScopeObserver {}

export interface BalancerOptions extends CompileOptions {
  readonly seed: string;
  readonly cluster: ClusterShape;
  readonly clusterByListener?: Readonly<Record<string, ClusterShape>>;
  readonly observer?: BalancerObserver;
}

export class Balancer {
  readonly resolver: Resolver;
  readonly table: ScopeTable;
  readonly picker: Picker;
  private readonly options: BalancerOptions;

  constructor(state: TopologyState, options: BalancerOptions) {
    this.options = { ...DEFAULT_COMPILE_OPTIONS, ...options };
    this.resolver = new Resolver(options.observer);
    this.table = new ScopeTable(this.options, (key) => this.resolver.listenerOf(key));
    this.picker = new Picker(this.table, this.resolver);
    this.applyState(state, 'start');
  }

  get topology(): CompiledTopology {
    return this.resolver.topology;
  }

  /** Bumped by every change that can alter `resolve` results (and scope members). */
  get version(): number {
    return this.resolver.version;
  }

  get listeners(): readonly ListenerRuntime[] {
    return this.resolver.listeners;
  }

  get scopes(): readonly ScopeRuntime[] {
    return this.table.scopes;
  }

  get backends(): readonly BackendInfo[] {
    return this.table.backends;
  }

  /** Index of a listener key (`lb:proto:port`), defining it on first sight (also keys no listener has). */
  listenerOf(key: string): number {
    return this.resolver.listenerOf(key);
  }

  backendOf(ServerId: string, Port: number): number {
    return this.table.backendOf(ServerId, Port);
  }

  findBackend(ServerId: string, Port: number): number {
    return this.table.findBackend(ServerId, Port);
  }

  scopeByKey(key: string): ScopeRuntime | undefined {
    return this.table.byKey(key);
  }

  /** `Resolver.resolve`: which scope a request lands in. */
  resolve(listener: number, host: string, path: string, out: RouteResult): void {
    this.resolver.resolve(listener, host, path, out);
  }

  /** `Picker.pick`: the member of `out.scope` for a new request or connection. */
  pick(
    out: RouteResult,
    clientIp: number,
    clientPort: number,
    cookie: string | undefined,
    now: Micros,
  ): void {
    this.picker.pick(out, clientIp, clientPort, cookie, now);
  }

  /** A health check changed its verdict on a member of a scope. */
  setHealth(scope: number, member: number, healthy: boolean, cause = 'health'): void {
    this.table.setHealth(scope, member, healthy, cause);
  }

  /** The topology changed (a timeline event): recompile, carrying scheduler state by scope key. */
  applyState(state: TopologyState, cause: string): void {
    this.resolver.use(compileTopology(state, this.options));
    this.sync(cause);
  }

  private sync(cause: string): void {
    this.table.sync(this.resolver.topology, cause);
    this.resolver.bind((key) => this.table.indexOf(key));
  }
}
