/**
 * The defaults CLB applies when a call leaves a field out, as notices: wherever an imported piece
 * does not give a field the model holds, the generated call leaves it out too and the fold applies
 * CLB's documented default (clb-semantics.md §1.1, §3.1, §5.2; docs/MODEL.md) — this says which
 * default, and for what. Shared by the aliyun and Terraform importers.
 */
import type { ImportLog } from './import-log.js';
import type { ImportedEntry, ImportedTopology, ParamSet } from './imported-topology.js';

const LISTENER_DEFAULTS_L7: readonly [string, string | number][] = [
  ['Scheduler', 'wrr'],
  ['StickySession', 'off'],
  ['HealthCheck', 'on'],
  ['HealthyThreshold', 3],
  ['UnhealthyThreshold', 3],
  ['HealthCheckTimeout', 5],
  ['HealthCheckInterval', 2],
];

const LISTENER_DEFAULTS_L4: readonly [string, string | number][] = [
  ['Scheduler', 'wrr'],
  ['PersistenceTimeout', 0],
  ['HealthCheckSwitch', 'on'],
  ['HealthyThreshold', 3],
  ['UnhealthyThreshold', 3],
  ['HealthCheckConnectTimeout', 5],
  ['HealthCheckInterval', 2],
];

function missing(
  p: ParamSet,
  defaults: readonly [string, string | number][],
  subject: string,
  log: ImportLog,
) {
  for (const [field, value] of defaults) if (!p.has(field)) log.defaulted(field, value, subject);
}

function entries(list: readonly ImportedEntry[], group: string, ports: boolean, log: ImportLog): void {
  for (const e of list) {
    const id = `${group} ${String(e.params.get('ServerId'))}${ports ? `:${String(e.params.get('Port'))}` : ''}`;
    if (!e.params.has('Weight')) log.defaulted('Weight', 100, id);
    if (!e.params.has('Type')) log.defaulted('Type', 'ecs', id);
  }
}

/** Log a notice for every modelled field `t` leaves out that CLB defaults. */
export function noteDefaults(t: ImportedTopology, log: ImportLog): void {
  for (const lb of t.loadBalancers) {
    if (!lb.params.has('AddressType')) log.defaulted('AddressType', 'internet', lb.id);
    if (!lb.params.has('LoadBalancerName')) log.defaulted('LoadBalancerName', '<its id>', lb.id);
    entries(lb.defaultServers, `${lb.id} default group`, false, log);
    for (const g of lb.vServerGroups) entries(g.entries, g.id, true, log);
    for (const g of lb.masterSlaveGroups) {
      entries(g.entries, g.id, true, log);
      for (const e of g.entries)
        if (!e.params.has('ServerType'))
          log.defaulted('ServerType', 'Master', `${g.id} ${String(e.params.get('ServerId'))}`);
    }
    for (const l of lb.listeners) {
      const subject = `${lb.id}:${l.protocol}:${l.port}`;
      const l7 = l.protocol === 'http' || l.protocol === 'https';
      missing(l.params, l7 ? LISTENER_DEFAULTS_L7 : LISTENER_DEFAULTS_L4, subject, log);
      if (!l7 && !l.params.has('HealthCheckType')) log.defaulted('HealthCheckType', l.protocol, subject);
      for (const r of l.rules)
        if (!r.params.has('ListenerSync'))
          log.defaulted('ListenerSync', 'on', String(r.params.get('RuleId')));
    }
  }
}
