import { describe, expect, it } from 'vitest';
import { stateAt } from '../../src/scenario/fold-at.js';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
import { describeState } from '../../src/topology/describe.js';
import { lines, problems, valid } from './helpers.js';

function loaded(file: string): Scenario {
  const r = loadScenario(file);
  if (!r.ok) expect.fail(problems(r).join('\n'));
  return r.scenario;
}

const INVENTORY = [
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-2, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-3, RegionId: cn-hangzhou, NetworkType: classic }',
];

/** Every declarative feature at once. */
const DECLARATIVE = lines(
  ...INVENTORY,
  'topology:',
  '  loadBalancers:',
  '    - id: lb-1',
  '      name: front',
  '      region: cn-hangzhou',
  '      addressType: intranet',
  '      vpc: vpc-1',
  '      vswitch: vsw-1',
  '      spec: slb.s2.small',
  '      params: { Bandwidth: 10 }',
  '      defaultServers: [{ server: i-1, weight: 30, description: pool-a }, { server: i-2 }]',
  '      vServerGroups:',
  '        - { id: rsp-web, name: web, servers: [{ server: i-1, port: 80, weight: 10 }, { server: i-2, port: 81 }] }',
  '        - { id: rsp-api, servers: [{ server: i-2, port: 9000, weight: 0 }] }',
  '      masterSlaveGroups:',
  '        - id: msg-db',
  '          name: db',
  '          servers: [{ server: i-1, port: 3306, serverType: Master }, { server: i-2, port: 3306, serverType: Slave, weight: 50 }]',
  '      listeners:',
  '        - protocol: http',
  '          port: 80',
  '          group: rsp-web',
  '          scheduler: rr',
  '          stickySession: { type: insert, cookieTimeout: 600 }',
  '          healthCheck: { uri: /health, domain: www.example.com, timeout: 3, httpCode: "http_2xx,http_3xx" }',
  '          description: web',
  '          params: { IdleTimeout: 30 }',
  '          rules:',
  '            - { name: api, domain: api.example.com, group: rsp-api, id: rule-api }',
  '            - { name: v2, url: /v2, group: rsp-api, scheduler: wlc, stickySession: { type: server, cookie: SID }, healthCheck: "off" }',
  '        - { protocol: https, port: 443, backendPort: 8443, healthCheck: "off", stickySession: "off", started: false }',
  '        - { protocol: tcp, port: 3306, masterSlaveGroup: msg-db, persistence: 60, healthCheck: { type: http, uri: /ping, timeout: 4, interval: 3 } }',
  '        - { protocol: udp, port: 53, group: rsp-api, scheduler: sch, healthCheck: false }',
);

/** The same topology as raw OpenAPI events. */
const RAW = lines(
  ...INVENTORY,
  'events:',
  '  - action: CreateLoadBalancer',
  '    params: { LoadBalancerId: lb-1, RegionId: cn-hangzhou, LoadBalancerName: front, AddressType: intranet, VpcId: vpc-1, VSwitchId: vsw-1, LoadBalancerSpec: slb.s2.small, Bandwidth: 10 }',
  '  - action: AddBackendServers',
  '    params: { LoadBalancerId: lb-1, BackendServers: \'[{"ServerId":"i-1","Weight":30,"Description":"pool-a"},{"ServerId":"i-2"}]\' }',
  '  - action: CreateVServerGroup',
  '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-web, VServerGroupName: web, BackendServers: [{ ServerId: i-1, Port: 80, Weight: 10 }, { ServerId: i-2, Port: 81 }] }',
  '  - action: CreateVServerGroup',
  '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-api, BackendServers: [{ ServerId: i-2, Port: "9000", Weight: "0" }] }',
  '  - action: CreateMasterSlaveServerGroup',
  '    params:',
  '      LoadBalancerId: lb-1',
  '      MasterSlaveServerGroupId: msg-db',
  '      MasterSlaveServerGroupName: db',
  '      MasterSlaveBackendServers: [{ ServerId: i-1, Port: 3306, ServerType: Master }, { ServerId: i-2, Port: 3306, ServerType: Slave, Weight: 50 }]',
  '  - action: CreateLoadBalancerHTTPListener',
  '    params:',
  '      { LoadBalancerId: lb-1, ListenerPort: 80, VServerGroupId: rsp-web, Scheduler: rr, StickySession: "on", StickySessionType: insert, CookieTimeout: 600,',
  '        HealthCheck: "on", HealthCheckURI: /health, HealthCheckDomain: www.example.com, HealthCheckTimeout: 3, HealthCheckHttpCode: "http_2xx,http_3xx", Description: web, IdleTimeout: 30 }',
  '  - action: CreateRules',
  '    params:',
  '      LoadBalancerId: lb-1',
  '      ListenerPort: 80',
  '      ListenerProtocol: http',
  '      RuleList:',
  '        - { RuleName: api, Domain: api.example.com, VServerGroupId: rsp-api, RuleId: rule-api }',
  '        - { RuleName: v2, Url: /v2, VServerGroupId: rsp-api, ListenerSync: "off", Scheduler: wlc, StickySession: "on", StickySessionType: server, Cookie: SID, HealthCheck: "off" }',
  '  - action: StartLoadBalancerListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 80, ListenerProtocol: http }',
  '  - action: CreateLoadBalancerHTTPSListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 443, BackendServerPort: 8443, HealthCheck: "off", StickySession: "off" }',
  '  - action: CreateLoadBalancerTCPListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 3306, MasterSlaveServerGroupId: msg-db, PersistenceTimeout: 60, HealthCheckSwitch: "on", HealthCheckType: http, HealthCheckURI: /ping, HealthCheckConnectTimeout: 4, HealthCheckInterval: 3 }',
  '  - action: StartLoadBalancerListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 3306, ListenerProtocol: tcp }',
  '  - action: CreateLoadBalancerUDPListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 53, VServerGroupId: rsp-api, Scheduler: sch, HealthCheckSwitch: "off" }',
  '  - action: StartLoadBalancerListener',
  '    params: { LoadBalancerId: lb-1, ListenerPort: 53, ListenerProtocol: udp }',
);

describe('the declarative topology compiles to the same OpenAPI events', () => {
  it('gives the same state as the raw events (every feature)', () => {
    const declarative = stateAt(valid(DECLARATIVE));
    const raw = stateAt(valid(RAW));
    expect(declarative.diagnostics).toEqual([]);
    expect(raw.diagnostics).toEqual([]);
    expect(declarative.state).toEqual(raw.state);
    expect(describeState(declarative.state)).toEqual(describeState(raw.state));
    // And the state is what was described.
    const lb = declarative.state.LoadBalancers[0];
    expect(lb.Listeners.map((l) => [l.ListenerProtocol, l.ListenerPort, l.Status, l.Scheduler])).toEqual([
      ['http', 80, 'running', 'rr'],
      ['https', 443, 'stopped', 'wrr'],
      ['tcp', 3306, 'running', 'wrr'],
      ['udp', 53, 'running', 'sch'],
    ]);
    expect(lb.Listeners[0].Rules.map((r) => [r.RuleName, r.ListenerSync, r.Scheduler])).toEqual([
      ['api', 'on', undefined],
      ['v2', 'off', 'wlc'],
    ]);
    expect(lb.Listeners[2]).toMatchObject({
      PersistenceTimeout: 60,
      HealthCheckType: 'http',
      HealthCheckTimeout: 4,
    });
    expect(lb.Listeners[3].HealthCheck).toBe('off');
  });

  it('seed-case.yaml and seed-case-events.yaml fold to identical states', () => {
    const a = stateAt(loaded('scenarios/seed-case.yaml'));
    const b = stateAt(loaded('scenarios/seed-case-events.yaml'));
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(a.state).toEqual(b.state);
  });

  it('emits the calls in console order, each positioned at its element', () => {
    const s = valid(DECLARATIVE);
    expect(s.events.slice(3).map((e) => [e.action, e.field, e.pos.line])).toEqual([
      ['CreateLoadBalancer', 'topology.loadBalancers[0]', 7],
      ['AddBackendServers', 'topology.loadBalancers[0].defaultServers', 15],
      ['CreateVServerGroup', 'topology.loadBalancers[0].vServerGroups[0]', 17],
      ['CreateVServerGroup', 'topology.loadBalancers[0].vServerGroups[1]', 18],
      ['CreateMasterSlaveServerGroup', 'topology.loadBalancers[0].masterSlaveGroups[0]', 20],
      ['CreateLoadBalancerHTTPListener', 'topology.loadBalancers[0].listeners[0]', 24],
      ['CreateRules', 'topology.loadBalancers[0].listeners[0].rules', 33],
      ['StartLoadBalancerListener', 'topology.loadBalancers[0].listeners[0]', 24],
      ['CreateLoadBalancerHTTPSListener', 'topology.loadBalancers[0].listeners[1]', 35],
      ['CreateLoadBalancerTCPListener', 'topology.loadBalancers[0].listeners[2]', 36],
      ['StartLoadBalancerListener', 'topology.loadBalancers[0].listeners[2]', 36],
      ['CreateLoadBalancerUDPListener', 'topology.loadBalancers[0].listeners[3]', 37],
      ['StartLoadBalancerListener', 'topology.loadBalancers[0].listeners[3]', 37],
    ]);
    const rules = s.events[9];
    expect(rules.paramPos['RuleList[1].Scheduler']).toMatchObject({
      line: 34,
      field: 'topology.loadBalancers[0].listeners[0].rules[1].scheduler',
    });
    expect(rules.paramPos['RuleList[1].ListenerSync']).toMatchObject({ line: 34, col: 15 });
  });

  it('splits large groups and rule lists into API-sized calls (20 servers, 10 rules)', () => {
    const servers = Array.from(
      { length: 45 },
      (_, k) => `            - { server: i-${1 + (k % 2)}, port: ${8000 + k} }`,
    );
    const rules = Array.from(
      { length: 12 },
      (_, k) => `            - { name: r${k}, url: /p${k}, group: rsp-big }`,
    );
    const s = valid(
      lines(
        ...INVENTORY,
        'topology:',
        '  loadBalancers:',
        '    - id: lb-1',
        '      region: cn-hangzhou',
        '      vpc: vpc-1',
        '      vServerGroups:',
        '        - id: rsp-big',
        '          servers:',
        ...servers,
        '      listeners:',
        '        - protocol: http',
        '          port: 80',
        '          group: rsp-big',
        '          rules:',
        ...rules,
      ),
    );
    const calls = s.events.slice(3).map((e) => {
      const p = e.params as Record<string, unknown[] | undefined>;
      return [e.action, (p.BackendServers ?? p.RuleList)?.length ?? 0, e.field];
    });
    expect(calls).toEqual([
      ['CreateLoadBalancer', 0, 'topology.loadBalancers[0]'],
      ['CreateVServerGroup', 20, 'topology.loadBalancers[0].vServerGroups[0]'],
      ['AddVServerGroupBackendServers', 20, 'topology.loadBalancers[0].vServerGroups[0].servers[20]'],
      ['AddVServerGroupBackendServers', 5, 'topology.loadBalancers[0].vServerGroups[0].servers[40]'],
      ['CreateLoadBalancerHTTPListener', 0, 'topology.loadBalancers[0].listeners[0]'],
      ['CreateRules', 10, 'topology.loadBalancers[0].listeners[0].rules'],
      ['CreateRules', 2, 'topology.loadBalancers[0].listeners[0].rules[10]'],
      ['StartLoadBalancerListener', 0, 'topology.loadBalancers[0].listeners[0]'],
    ]);
    // Parameter paths of a later batch point at the right element.
    expect(s.events[6].paramPos['BackendServers[3].Port']).toMatchObject({
      field: 'topology.loadBalancers[0].vServerGroups[0].servers[43].port',
    });
    const { state, diagnostics } = stateAt(s);
    expect(diagnostics).toEqual([]);
    expect(state.LoadBalancers[0].VServerGroups[0].BackendServers.map((b) => b.Port)).toEqual(
      Array.from({ length: 45 }, (_, k) => 8000 + k),
    );
    expect(state.LoadBalancers[0].Listeners[0].Rules.map((r) => r.RuleName)).toEqual(
      rules.map((_, k) => `r${k}`),
    );
  });

  it('refuses settings that do not fit the listener, with the CLB code where there is one', () => {
    const r = loadScenarioText(
      lines(
        ...INVENTORY,
        'topology:',
        '  loadBalancers:',
        '    - id: lb-1',
        '      region: cn-hangzhou',
        '      vpc: vpc-1',
        '      params: { RegionId: cn-shanghai }',
        '      vServerGroups:',
        '        - { id: rsp-1, networkType: classic, servers: [{ server: i-1, port: 80 }, { server: i-3, port: 80 }] }',
        '      listeners:',
        '        - { protocol: tcp, port: 80, group: rsp-1, stickySession: "off" }',
        '        - { protocol: http, port: 81, group: rsp-1, persistence: 10, healthCheck: { type: tcp } }',
        '        - { protocol: https, port: 443, masterSlaveGroup: msg-1 }',
      ),
      'fit.yaml',
    );
    expect(problems(r)).toEqual([
      'fit.yaml:10:17: SchemaError RegionId is already set by region; remove it from params',
      'fit.yaml:12:66: NetworkTypeMismatch i-1 is a vpc instance; VServer group rsp-1 takes classic servers',
      'fit.yaml:14:52: SchemaError stickySession (cookies) is for HTTP/HTTPS listeners; TCP/UDP listeners keep clients with persistence (seconds)',
      'fit.yaml:15:53: SchemaError persistence (source IP) is for TCP/UDP listeners; HTTP/HTTPS listeners use stickySession',
      'fit.yaml:15:85: SchemaError healthCheck.type applies to TCP/UDP listeners only',
      'fit.yaml:16:41: VipNotMatchRspool the backend server group does not match the listener: primary/secondary groups serve only TCP/UDP listeners, not HTTPS',
    ]);
  });
});
