/**
 * The reused output of one routing decision, written by the resolver (listener, scope, outcome),
 * the picker (member, backend, node, worker, stickiness) and the forwarder (the next attempt).
 * The engine and the live proxy keep one per request in flight and allocate nothing per request.
 */
import { OUTCOME_OK } from './outcomes.js';

/**
 * Where one connection of a request runs: what the picker needs to find its scheduler state again
 * when the connection closes (`release`) or its LVS inactive entry expires (`expire`).
 */
export interface ConnectionRef {
  readonly scope: number;
  /** Cluster node and worker of the scheduler instance that picked. */
  readonly node: number;
  readonly worker: number;
  /** Member index within the scope at the time of the pick. */
  readonly member: number;
  /** Global backend index (finds the member again when the scope's members changed meanwhile). */
  readonly backend: number;
}

/** A ConnectionRef that can be filled in place (from a typed-array slot, say). */
export class Connection implements ConnectionRef {
  scope = -1;
  node = 0;
  worker = 0;
  member = -1;
  backend = -1;
}

export class RouteResult implements ConnectionRef {
  outcome = OUTCOME_OK;
  listener = -1;
  scope = -1;
  /** Member index within the scope, -1 when none. */
  member = -1;
  /** Global backend index, -1 when none. */
  backend = -1;
  node = 0;
  worker = 0;
  /** Served by session persistence rather than a scheduler pick. */
  sticky = false;
  /** Cookie value to issue on the response (insert/server modes), null when none. */
  issueCookie: string | null = null;
  /** Hash of the client 4-tuple of the last pick (a retry stays on the same node and worker). */
  tuple = 0;
}
