/**
 * The default server pool of a load balancer: `AddBackendServers`, `SetBackendServers`,
 * `RemoveBackendServers`. Entries have no port (listeners on the default pool use their
 * BackendServerPort). Identical entries inside one AddBackendServers call are de-duplicated, the
 * first kept; a server already in the pool is an error. Set changes only weights and descriptions
 * of existing entries; Remove ignores servers that are not in the pool.
 */
import {
  applyRemove,
  applySet,
  checkQuota,
  checkServers,
  dedupeFirst,
  readEntries,
  rejectDuplicates,
  serverKey,
  toDefaultServer,
} from '../backend-entries.js';
import { withLoadBalancer } from '../edit.js';
import { fail } from '../reject.js';
import type { DefaultBackendServer, LoadBalancer } from '../types.js';
import { type ActionTable, requireLoadBalancer } from './action-context.js';

const PARAMS = ['RegionId', 'LoadBalancerId', 'BackendServers'];

function answer(lb: LoadBalancer, servers: readonly DefaultBackendServer[]) {
  return { LoadBalancerId: lb.LoadBalancerId, BackendServers: { BackendServer: servers } };
}

export const backendServerActions: ActionTable = {
  AddBackendServers: {
    params: PARAMS,
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const entries = dedupeFirst(
        readEntries(p, 'BackendServers', 'default', 'add', { required: true }) ?? [],
      );
      const existing = new Set(lb.BackendServers.map(serverKey));
      for (const e of entries)
        if (existing.has(serverKey(e)))
          fail(
            'BackendServer.AlreadyExists',
            `${e.path}: ${e.ServerId} is already in the default server pool of ${lb.LoadBalancerId}; use SetBackendServers to change its weight.`,
            `${e.path}.ServerId`,
          );
      checkServers(state, lb, entries);
      const added = entries.map(toDefaultServer);
      const next: LoadBalancer = { ...lb, BackendServers: [...lb.BackendServers, ...added] };
      checkQuota(next, 'BackendServers');
      return { state: withLoadBalancer(state, next), response: answer(lb, added) };
    },
  },
  SetBackendServers: {
    params: PARAMS,
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const entries = readEntries(p, 'BackendServers', 'default', 'set', { required: true }) ?? [];
      rejectDuplicates(entries);
      const servers = applySet(lb.BackendServers, entries, `the default server pool of ${lb.LoadBalancerId}`);
      const next: LoadBalancer = { ...lb, BackendServers: servers };
      const changed = servers.filter((s) => entries.some((e) => s.ServerId === e.ServerId));
      return { state: withLoadBalancer(state, next), response: answer(lb, changed) };
    },
  },
  RemoveBackendServers: {
    params: PARAMS,
    run(state, p) {
      const lb = requireLoadBalancer(state, p);
      const entries = readEntries(p, 'BackendServers', 'default', 'remove', { required: true }) ?? [];
      const servers = applyRemove(lb.BackendServers, entries);
      if (servers.length === lb.BackendServers.length)
        return { state, response: answer(lb, lb.BackendServers) };
      const next: LoadBalancer = { ...lb, BackendServers: servers };
      return { state: withLoadBalancer(state, next), response: answer(lb, servers) };
    },
  },
};
