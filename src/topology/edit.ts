/**
 * Copy-on-write edits of the immutable state: replace one load balancer, one listener, one group.
 * Untouched branches are shared with the previous state.
 */
import type { Listener, LoadBalancer, TopologyState } from './types.js';

/** `items` with the element at `index` replaced. */
export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  const out = items.slice();
  out[index] = item;
  return out;
}

/** The state with the load balancer of the same id replaced by `lb`. */
export function withLoadBalancer(state: TopologyState, lb: LoadBalancer): TopologyState {
  const i = state.LoadBalancers.findIndex((x) => x.LoadBalancerId === lb.LoadBalancerId);
  return { ...state, LoadBalancers: replaceAt(state.LoadBalancers, i, lb) };
}

/** `lb` with the listener on the same protocol and port replaced by `listener`. */
export function withListener(lb: LoadBalancer, listener: Listener): LoadBalancer {
  const i = lb.Listeners.findIndex(
    (l) => l.ListenerProtocol === listener.ListenerProtocol && l.ListenerPort === listener.ListenerPort,
  );
  return { ...lb, Listeners: replaceAt(lb.Listeners, i, listener) };
}
