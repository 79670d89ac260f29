/**
 * Property: random sequences of calls — valid and invalid, mixed — never break the topology's
 * invariants, never throw, never mutate their input, and a rejected call leaves the state as it was.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { apply, fold } from '../../src/topology/apply.js';
import { entryKey, serverKey } from '../../src/topology/backend-entries.js';
import type { ActionName, ActionParams, TopologyEvent } from '../../src/topology/events.js';
import { findInstance } from '../../src/topology/lookup.js';
import { layerOf, type TopologyState } from '../../src/topology/types.js';
import { WORLD } from './fixtures.js';
import { ev } from './gwt.js';

/** The world plus a group, a primary/secondary group, a listener and a rule to mutate. */
const START = fold([
  ...WORLD,
  ev('CreateVServerGroup', {
    LoadBalancerId: 'lb-1',
    VServerGroupId: 'rsp-a',
    BackendServers: [{ ServerId: 'i-1', Port: 80 }],
  }),
  ev('CreateVServerGroup', {
    LoadBalancerId: 'lb-1',
    VServerGroupId: 'rsp-b',
    BackendServers: [{ ServerId: 'i-2', Port: 8080 }],
  }),
  ev('CreateMasterSlaveServerGroup', {
    LoadBalancerId: 'lb-g',
    MasterSlaveServerGroupId: 'msg-a',
    MasterSlaveBackendServers: [
      { ServerId: 'i-1', Port: 80 },
      { ServerId: 'i-2', Port: 80, ServerType: 'Slave' },
    ],
  }),
  ev('CreateLoadBalancerHTTPListener', { LoadBalancerId: 'lb-1', ListenerPort: 80, VServerGroupId: 'rsp-a' }),
  ev('CreateRules', {
    LoadBalancerId: 'lb-1',
    ListenerPort: 80,
    RuleList: [{ RuleId: 'rule-a', RuleName: 'a', Url: '/a', VServerGroupId: 'rsp-a' }],
  }),
  ev('CreateLoadBalancerTCPListener', { LoadBalancerId: 'lb-1', ListenerPort: 443, BackendServerPort: 8443 }),
  ev('CreateLoadBalancerTCPListener', {
    LoadBalancerId: 'lb-g',
    ListenerPort: 443,
    MasterSlaveServerGroupId: 'msg-a',
  }),
  ev('CreateLoadBalancerUDPListener', { LoadBalancerId: 'lb-g', ListenerPort: 53, BackendServerPort: 53 }),
]).state;

/** Mostly valid values, sometimes invalid ones (9 : 1). */
function mostly<T>(valid: readonly T[], invalid: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 9 },
    { arbitrary: fc.constantFrom(...invalid), weight: 1 },
  );
}
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const lbId = mostly(['lb-1', 'lb-1', 'lb-1', 'lb-g', 'lb-net'], ['lb-ci', 'lb-new', 'lb-zz']);
const vsgId = mostly(['rsp-a', 'rsp-a', 'rsp-b', 'rsp-sim1'], ['msg-a', 'rsp-zz']);
const msgId = mostly(['msg-a', 'msg-b'], ['rsp-a', 'msg-zz']);
const anyGroupId = fc.oneof(vsgId, msgId);
const ruleId = mostly(['rule-a', 'rule-b', 'rule-c', 'rule-sim1'], ['rule-zz']);
const serverId = mostly(['i-1', 'i-2', 'i-3', 'i-4'], ['i-c1', 'i-v2', 'i-bj', 'i-off', 'i-nope']);
const port = mostly<unknown>([80, 8080, '81'], [0, 70000, 'x']);
const listenerPort = mostly<unknown>([80, 443, '443', 53], [8080, 0]);
const weight = mostly<unknown>([0, 50, 100, '7', undefined], [101, -1]);
const onOff = mostly<unknown>(['on', 'off', undefined], ['maybe']);

const entry = fc.record({ ServerId: serverId, Port: port, Weight: weight }, { requiredKeys: ['ServerId'] });
const entries = fc.oneof(
  { arbitrary: fc.array(entry, { minLength: 1, maxLength: 3 }), weight: 9 },
  { arbitrary: fc.constant([]), weight: 1 },
);
const entryList = fc.oneof(
  entries,
  entries.map((e) => JSON.stringify(e)),
);
const poolEntries = entries.map((es) => es.map(({ ServerId, Weight }) => ({ ServerId, Weight })));
const serverType = mostly<unknown>(['Master', 'Slave', undefined], ['Backup']);
const msEntries = fc.tuple(entry, entry, serverType, serverType).map(([a, b, ta, tb]) => [
  { ...a, ServerType: ta },
  { ...b, ServerType: tb },
]);

const call = (action: ActionName, params: fc.Arbitrary<Record<string, unknown>>) =>
  params.map((p): TopologyEvent => ({ action, params: p as ActionParams }));
const oneOfActions = (actions: ActionName[], params: fc.Arbitrary<Record<string, unknown>>) =>
  fc.constantFrom(...actions).chain((action) => call(action, params));

const others: fc.Arbitrary<TopologyEvent> = fc.oneof(
  call(
    'CreateLoadBalancer',
    fc.record({
      RegionId: mostly(['cn-hangzhou'], ['x']),
      LoadBalancerId: maybe(lbId),
      VpcId: maybe(fc.constantFrom('vpc-1', 'vpc-2')),
      LoadBalancerSpec: maybe(mostly(['slb.s2.small'], ['bogus'])),
    }),
  ),
  oneOfActions(['StartInstance', 'StopInstance'], fc.record({ InstanceId: serverId })),
  call('AddBackendServers', fc.record({ LoadBalancerId: lbId, BackendServers: poolEntries })),
  call('SetBackendServers', fc.record({ LoadBalancerId: lbId, BackendServers: poolEntries })),
  call('RemoveBackendServers', fc.record({ LoadBalancerId: lbId, BackendServers: poolEntries })),
  call(
    'CreateVServerGroup',
    fc.record({ LoadBalancerId: lbId, VServerGroupId: maybe(vsgId), BackendServers: maybe(entryList) }),
  ),
  oneOfActions(
    [
      'AddVServerGroupBackendServers',
      'AddVServerGroupBackendServers',
      'RemoveVServerGroupBackendServers',
      'SetVServerGroupAttribute',
    ],
    fc.record({ VServerGroupId: vsgId, BackendServers: entryList }),
  ),
  call(
    'ModifyVServerGroupBackendServers',
    fc.record({ VServerGroupId: vsgId, OldBackendServers: entryList, NewBackendServers: entryList }),
  ),
  call('DeleteVServerGroup', fc.record({ VServerGroupId: vsgId })),
  call(
    'CreateMasterSlaveServerGroup',
    fc.record({
      LoadBalancerId: lbId,
      MasterSlaveServerGroupId: maybe(msgId),
      MasterSlaveBackendServers: msEntries,
    }),
  ),
  call('DeleteMasterSlaveServerGroup', fc.record({ MasterSlaveServerGroupId: msgId })),
  oneOfActions(
    [
      'CreateLoadBalancerHTTPListener',
      'CreateLoadBalancerHTTPSListener',
      'CreateLoadBalancerTCPListener',
      'CreateLoadBalancerUDPListener',
    ],
    fc.record({
      LoadBalancerId: lbId,
      ListenerPort: listenerPort,
      BackendServerPort: maybe(port),
      VServerGroupId: maybe(anyGroupId),
      Scheduler: maybe(mostly(['wrr', 'rr', 'wlc'], ['sch', 'qch'])),
    }),
  ),
  oneOfActions(
    [
      'SetLoadBalancerHTTPListenerAttribute',
      'SetLoadBalancerTCPListenerAttribute',
      'SetLoadBalancerUDPListenerAttribute',
    ],
    fc.record({
      LoadBalancerId: lbId,
      ListenerPort: listenerPort,
      VServerGroup: onOff,
      VServerGroupId: maybe(vsgId),
      BackendServerPort: maybe(port),
    }),
  ),
  oneOfActions(
    ['SetLoadBalancerTCPListenerAttribute', 'SetLoadBalancerUDPListenerAttribute'],
    fc.record({
      LoadBalancerId: lbId,
      ListenerPort: listenerPort,
      MasterSlaveServerGroup: onOff,
      MasterSlaveServerGroupId: maybe(msgId),
      VServerGroup: onOff,
      BackendServerPort: maybe(port),
    }),
  ),
  oneOfActions(
    ['StartLoadBalancerListener', 'StopLoadBalancerListener', 'DeleteLoadBalancerListener'],
    fc.record({
      LoadBalancerId: lbId,
      ListenerPort: listenerPort,
      ListenerProtocol: maybe(fc.constantFrom('http', 'tcp', 'udp')),
    }),
  ),
  call(
    'CreateRules',
    fc.record({
      LoadBalancerId: lbId,
      ListenerPort: mostly<unknown>([80], [443, 53]),
      RuleList: fc.array(
        fc.record({
          RuleId: maybe(ruleId),
          RuleName: mostly(['a', 'b', 'c', 'd', 'e'], ['bad name']),
          Domain: maybe(mostly(['a.com', '*.A.com', 'b.a.com'], ['www.*.com'])),
          Url: maybe(mostly(['/x', '/y', '/x/y'], ['/'])),
          VServerGroupId: vsgId,
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  ),
  call(
    'SetRule',
    fc.record({ RuleId: ruleId, VServerGroupId: maybe(vsgId), RuleName: maybe(fc.constantFrom('a', 'f')) }),
  ),
  call('DeleteRules', fc.record({ RuleIds: fc.array(ruleId, { minLength: 1, maxLength: 2 }) })),
);

/** Deleting a load balancer wipes most of the world, so it is rare. */
const events = fc.oneof(
  { arbitrary: call('DeleteLoadBalancer', fc.record({ LoadBalancerId: lbId })), weight: 1 },
  { arbitrary: others, weight: 150 },
);

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** Every invariant of a topology state; returns the broken ones. */
function broken(s: TopologyState): string[] {
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  const lbIds = s.LoadBalancers.map((l) => l.LoadBalancerId);
  check(new Set(lbIds).size === lbIds.length, 'duplicate LoadBalancerId');
  const groupIds = s.LoadBalancers.flatMap((l) => [
    ...l.VServerGroups.map((g) => g.VServerGroupId),
    ...l.MasterSlaveServerGroups.map((g) => g.MasterSlaveServerGroupId),
  ]);
  check(new Set(groupIds).size === groupIds.length, 'duplicate group id');
  const ruleIds = s.LoadBalancers.flatMap((l) => l.Listeners.flatMap((x) => x.Rules.map((r) => r.RuleId)));
  check(new Set(ruleIds).size === ruleIds.length, 'duplicate RuleId');
  for (const lb of s.LoadBalancers) {
    const at = lb.LoadBalancerId;
    const vsgs = new Set(lb.VServerGroups.map((g) => g.VServerGroupId));
    const msgs = new Set(lb.MasterSlaveServerGroups.map((g) => g.MasterSlaveServerGroupId));
    const servers = new Set<string>();
    const checkServer = (e: { ServerId: string; Weight: number }) => {
      check(inRange(e.Weight, 0, 100), `${at}: weight ${e.Weight}`);
      const inst = findInstance(s, e.ServerId);
      check(
        inst !== undefined && inst.RegionId === lb.RegionId,
        `${at}: ${e.ServerId} not in inventory/region`,
      );
      if (lb.NetworkType === 'vpc') check(inst?.VpcId === lb.VpcId, `${at}: ${e.ServerId} not in VPC`);
    };
    check(
      new Set(lb.BackendServers.map(serverKey)).size === lb.BackendServers.length,
      `${at}: duplicate default-pool server`,
    );
    for (const e of lb.BackendServers) {
      checkServer(e);
      servers.add(serverKey(e));
    }
    for (const g of lb.VServerGroups) {
      check(g.LoadBalancerId === at, `${g.VServerGroupId}: wrong LoadBalancerId`);
      check(
        new Set(g.BackendServers.map(entryKey)).size === g.BackendServers.length,
        `${g.VServerGroupId}: duplicate ServerId+Port`,
      );
      for (const e of g.BackendServers) {
        checkServer(e);
        check(inRange(e.Port, 1, 65535), `${g.VServerGroupId}: port ${e.Port}`);
        servers.add(serverKey(e));
      }
    }
    for (const g of lb.MasterSlaveServerGroups) {
      check(g.LoadBalancerId === at, `${g.MasterSlaveServerGroupId}: wrong LoadBalancerId`);
      const types = g.MasterSlaveBackendServers.map((e) => e.ServerType).sort();
      check(types.join() === 'Master,Slave', `${g.MasterSlaveServerGroupId}: not one Master and one Slave`);
      for (const e of g.MasterSlaveBackendServers) {
        checkServer(e);
        servers.add(serverKey(e));
      }
    }
    check(servers.size <= 200, `${at}: more than 200 backends`);
    check(lb.Listeners.length <= 50, `${at}: more than 50 listeners`);
    const ports = lb.Listeners.map(
      (l) => `${l.ListenerProtocol === 'udp' ? 'udp' : 'tcp'}:${l.ListenerPort}`,
    );
    check(new Set(ports).size === ports.length, `${at}: two listeners on one transport port`);
    for (const l of lb.Listeners) {
      const lk = `${at}:${l.ListenerProtocol}:${l.ListenerPort}`;
      check(inRange(l.ListenerPort, 1, 65535), `${lk}: port`);
      check(
        (l.VServerGroup === 'on') === (l.VServerGroupId !== undefined),
        `${lk}: VServerGroup switch/id mismatch`,
      );
      check(
        (l.MasterSlaveServerGroup === 'on') === (l.MasterSlaveServerGroupId !== undefined),
        `${lk}: MS switch/id mismatch`,
      );
      check(!(l.VServerGroup === 'on' && l.MasterSlaveServerGroup === 'on'), `${lk}: both groups`);
      if (l.VServerGroupId !== undefined) check(vsgs.has(l.VServerGroupId), `${lk}: dangling VServerGroupId`);
      if (l.MasterSlaveServerGroupId !== undefined) {
        check(msgs.has(l.MasterSlaveServerGroupId), `${lk}: dangling MasterSlaveServerGroupId`);
        check(layerOf(l.ListenerProtocol) === 4, `${lk}: MS group on L7`);
      }
      if (l.VServerGroup !== 'on' && l.MasterSlaveServerGroup !== 'on')
        check(
          l.BackendServerPort !== undefined && inRange(l.BackendServerPort, 1, 65535),
          `${lk}: default pool without port`,
        );
      if (['sch', 'tch', 'qch'].includes(l.Scheduler))
        check(
          layerOf(l.ListenerProtocol) === 4 && lb.LoadBalancerSpec !== undefined,
          `${lk}: hash scheduler`,
        );
      check(inRange(l.HealthyThreshold, 2, 10) && inRange(l.UnhealthyThreshold, 2, 10), `${lk}: thresholds`);
      check(l.Rules.length <= 40, `${lk}: more than 40 rules`);
      if (l.Rules.length) check(layerOf(l.ListenerProtocol) === 7, `${lk}: rules on L4`);
      check(new Set(l.Rules.map((r) => r.RuleName)).size === l.Rules.length, `${lk}: duplicate RuleName`);
      check(
        new Set(l.Rules.map((r) => `${r.Domain}|${r.Url}`)).size === l.Rules.length,
        `${lk}: duplicate Domain+Url`,
      );
      for (const r of l.Rules) {
        check(vsgs.has(r.VServerGroupId), `${r.RuleId}: dangling VServerGroupId`);
        check(r.Domain !== undefined || r.Url !== undefined, `${r.RuleId}: neither Domain nor Url`);
        check(
          r.Domain === undefined || r.Domain === r.Domain.toLowerCase(),
          `${r.RuleId}: domain not lowercased`,
        );
      }
    }
  }
  return bad;
}

describe('topology invariants', () => {
  test('the starting world is sound', () => {
    expect(broken(START)).toEqual([]);
  });

  test('random event sequences never break invariants; rejected events leave the state identical', () => {
    fc.assert(
      fc.property(fc.array(events, { minLength: 1, maxLength: 60 }), (seq) => {
        let state = deepFreeze(START);
        let accepted = 0;
        for (const event of seq) {
          const before = JSON.stringify(state);
          const r = apply(state, event); // deep-frozen input: any mutation would throw
          expect(JSON.stringify(state)).toBe(before);
          if (!r.ok) {
            expect(typeof r.error.code).toBe('string');
            expect(r.error.message.length).toBeGreaterThan(0);
            continue;
          }
          accepted++;
          expect(r.state.nextId).toBeGreaterThanOrEqual(state.nextId);
          state = deepFreeze(r.state);
          const problems = broken(state);
          if (problems.length)
            expect.fail(`after ${event.action} ${JSON.stringify(event.params)}: ${problems.join('; ')}`);
        }
        // fold agrees with stepping through apply.
        expect(JSON.stringify(fold(seq, START).state)).toBe(JSON.stringify(state));
        return accepted >= 0;
      }),
      { numRuns: 500, seed: 20240514 },
    );
  });
});
