/**
 * The resolver: which scope a request lands in. Layer 7: a matching rule → the listener's VServer
 * group (switch on) → the default pool. Layer 4: the primary/secondary group | the VServer group |
 * the default pool. Pure matching, so its result can be cached per request template for one
 * `version` (see resolve-cache.ts); a stopped or unknown listener refuses.
 *
 * Listeners get a global index on first sight (also keys no listener has: a request to them is
 * refused), the ones of the topology eagerly, in topology order.
 */
import {
  OUTCOME_BAD_REQUEST,
  OUTCOME_LISTENER_STOPPED,
  OUTCOME_NO_LISTENER,
  OUTCOME_OK,
} from './outcomes.js';
import type { CompiledTopology, ListenerSpec } from './route-compiler.js';
import type { RouteResult } from './route-result.js';
import { MATCH_BAD_REQUEST } from './rule-matcher.js';

export interface ListenerObserver {
  listenerDefined?(index: number, key: string, layer: 4 | 7): void;
}

export class ListenerRuntime {
  /** Whether the topology has this listener now. */
  present = false;
  /** Scope index per rule index (layer 7). */
  ruleScopes = new Int32Array(0);
  /** The listener's VServer group, primary/secondary group and default pool scopes (-1 when absent). */
  groupScope = -1;
  masterSlaveScope = -1;
  defaultScope = -1;

  constructor(
    public spec: ListenerSpec,
    readonly index: number,
  ) {}
}

export class Resolver {
  readonly listeners: ListenerRuntime[] = [];
  private readonly listenerIndex = new Map<string, number>();
  private compiled: CompiledTopology = { listeners: new Map(), scopes: new Map() };
  /** Bumped by every change that can alter `resolve` results. */
  version = 0;

  constructor(private readonly observer: ListenerObserver | undefined) {}

  get topology(): CompiledTopology {
    return this.compiled;
  }

  /** A new topology: listeners defined from now on take their spec from it (then `bind` the scopes). */
  use(compiled: CompiledTopology): void {
    this.compiled = compiled;
    this.version++;
  }

  /** Index of a listener key (`lb:proto:port`), defining it on first sight (also keys no listener has). */
  listenerOf(key: string): number {
    let i = this.listenerIndex.get(key);
    if (i === undefined) {
      i = this.listeners.length;
      const spec = this.compiled.listeners.get(key);
      const layer = spec?.layer ?? (/:(tcp|udp):/.test(key) ? 4 : 7);
      this.listeners.push(new ListenerRuntime(spec ?? placeholderListener(key, layer), i));
      this.listenerIndex.set(key, i);
      this.observer?.listenerDefined?.(i, key, layer);
    }
    return i;
  }

  /** Define the topology's listeners (in topology order) and point each at its scopes now. */
  bind(scopeIndexOf: (key: string) => number): void {
    for (const key of this.compiled.listeners.keys()) this.listenerOf(key);
    for (const l of this.listeners) {
      const spec = this.compiled.listeners.get(l.spec.key);
      l.present = spec !== undefined;
      if (spec === undefined) continue;
      l.spec = spec;
      l.ruleScopes = Int32Array.from(spec.ruleScopes, scopeIndexOf);
      l.groupScope = spec.groupScope === null ? -1 : scopeIndexOf(spec.groupScope);
      l.masterSlaveScope = spec.masterSlaveScope === null ? -1 : scopeIndexOf(spec.masterSlaveScope);
      l.defaultScope = scopeIndexOf(spec.defaultScope);
    }
  }

  /**
   * Which scope a request lands in. Sets `out.listener`, `out.scope` and `out.outcome`
   * (OK, or a refusal: no such listener, listener stopped; bad request: nginx would answer 400) and
   * clears the pick.
   */
  resolve(listener: number, host: string, path: string, out: RouteResult): void {
    out.listener = listener;
    out.scope = -1;
    out.member = -1;
    out.backend = -1;
    out.sticky = false;
    out.issueCookie = null;
    const l = this.listeners[listener];
    if (l === undefined || !l.present) {
      out.outcome = OUTCOME_NO_LISTENER;
      return;
    }
    if (!l.spec.running) {
      out.outcome = OUTCOME_LISTENER_STOPPED;
      return;
    }
    out.outcome = OUTCOME_OK;
    if (l.spec.layer === 7) {
      const rule = l.spec.matcher!.matchRaw(host, path);
      if (rule === MATCH_BAD_REQUEST) {
        // nginx rejects the URI or Host before any routing: 400, no scope (issue 10).
        out.outcome = OUTCOME_BAD_REQUEST;
        return;
      }
      out.scope = rule >= 0 ? l.ruleScopes[rule] : l.groupScope >= 0 ? l.groupScope : l.defaultScope;
    } else {
      out.scope =
        l.masterSlaveScope >= 0 ? l.masterSlaveScope : l.groupScope >= 0 ? l.groupScope : l.defaultScope;
    }
  }
}

function placeholderListener(key: string, layer: 4 | 7): ListenerSpec {
  return {
    key,
    LoadBalancerId: key.split(':')[0],
    protocol: layer === 7 ? 'http' : 'tcp',
    port: Number(key.split(':')[2]) || 0,
    layer,
    running: false,
    matcher: null,
    ruleScopes: [],
    groupScope: null,
    masterSlaveScope: null,
    defaultScope: '',
  };
}
