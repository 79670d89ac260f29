import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';
import { BASE, lines, problems, tempFile, valid } from './helpers.js';

describe('loadScenario: YAML syntax', () => {
  it('reports every syntax error with its position (YamlSyntax)', () => {
    const r = loadScenarioText(lines('name: a', 'seed: [1, 2', 'events: "x'), 'bad.yaml');
    expect(problems(r)).toEqual([
      'bad.yaml:3:1: YamlSyntax Flow sequence in block collection must be sufficiently indented and end with a ]',
      'bad.yaml:3:11: YamlSyntax Missing closing "quote',
    ]);
  });

  it('reports tabs used as indentation', () => {
    expect(problems(loadScenarioText(lines('events:', '\t- action: x'), 's.yaml'))).toEqual([
      's.yaml:2:1: YamlSyntax Tabs are not allowed as indentation',
    ]);
  });

  it('reports duplicate keys at the second occurrence (DuplicateKey)', () => {
    const r = loadScenarioText(lines('name: a', 'seed: 1', 'name: b'), 'dup.yaml');
    expect(problems(r)).toEqual([
      'dup.yaml:3:1: DuplicateKey duplicate key name: a key may appear only once in a mapping',
    ]);
  });

  it('rejects collection keys instead of stringifying them', () => {
    expect(problems(loadScenarioText(lines('? [a, b]', ': 1'), 'k.yaml'))).toEqual([
      'k.yaml:1:3: YamlSyntax a mapping key must be a plain value, not a collection',
    ]);
  });
});

describe('loadScenario: schema errors point at the offending node', () => {
  it('an unknown key: at the key, naming the allowed keys and the likely one', () => {
    const r = loadScenarioText(lines('name: a', 'tarffic: {}'), 'u.yaml');
    expect(problems(r)).toEqual([
      'u.yaml:2:1: SchemaError unknown key tarffic in the top level (did you mean traffic?); allowed keys: $schema, version, name, description, seed, instances, topology, events, timeline, traffic, simulation, expect',
    ]);
  });

  it('an unknown key inside a flow mapping: at that key', () => {
    const r = loadScenarioText(
      lines('instances:', '  - { InstanceId: i-1, RegionId: cn-hangzhou, Staus: Running }'),
      'u.yaml',
    );
    expect(problems(r)).toEqual([
      'u.yaml:2:47: SchemaError unknown key Staus in instances[0] (did you mean Status?); allowed keys: InstanceId, InstanceName, RegionId, ZoneId, NetworkType, VpcId, Status, PrivateIpAddress',
    ]);
  });

  it('a wrong type: at the value, with what was expected and what was found', () => {
    const r = loadScenarioText(lines('seed: true', 'instances: {}'), 't.yaml');
    expect(problems(r)).toEqual([
      't.yaml:1:7: SchemaError seed: expected a string or a number, got true',
      't.yaml:2:12: SchemaError instances: expected a list, got a mapping',
    ]);
  });

  it('an out-of-range value', () => {
    const r = loadScenarioText(
      lines(
        'topology:',
        '  loadBalancers:',
        '    - id: lb-1',
        '      region: cn-hangzhou',
        '      vServerGroups:',
        '        - id: rsp-1',
        '          servers:',
        '            - { server: i-1, port: 0, weight: 101 }',
      ),
      'r.yaml',
    );
    expect(problems(r)).toEqual([
      'r.yaml:8:36: SchemaError topology.loadBalancers[0].vServerGroups[0].servers[0].port: expected an integer 1–65535, got 0',
      'r.yaml:8:47: SchemaError topology.loadBalancers[0].vServerGroups[0].servers[0].weight: expected an integer 0–100, got 101',
    ]);
  });

  it('a value outside an enum, with a suggestion', () => {
    const r = loadScenarioText(lines('simulation:', '  ruleMatching: domain-frist'), 'e.yaml');
    expect(problems(r)).toEqual([
      'e.yaml:2:17: SchemaError simulation.ruleMatching: expected one of domain-first, url-also, got "domain-frist" (did you mean domain-first?)',
    ]);
  });

  it('an unknown action, with the closest action name', () => {
    const r = loadScenarioText(lines('events:', '  - action: CreateVServerGrop', '    params: {}'), 'a.yaml');
    expect(problems(r)).toEqual([
      'a.yaml:2:13: SchemaError events[0].action: unknown value "CreateVServerGrop" (did you mean CreateVServerGroup?)',
    ]);
  });

  it('a missing required key: at the mapping that lacks it', () => {
    const r = loadScenarioText(lines('topology:', '  loadBalancers:', '    - id: lb-1'), 'm.yaml');
    expect(problems(r)).toEqual([
      'm.yaml:3:7: SchemaError topology.loadBalancers[0]: missing required key region',
    ]);
  });

  it('a bad duration (BadDuration), in events, timeline and phases alike', () => {
    const r = loadScenarioText(
      lines(
        'events:',
        '  - { at: 10 seconds, action: StartInstance, params: { InstanceId: i-1 } }',
        'timeline:',
        '  - { at: -5, fault: BackendFailed, ServerId: i-1 }',
        'traffic:',
        '  phases: [{ duration: 1d, arrivalRate: 5 }]',
      ),
      'd.yaml',
    );
    expect(problems(r)).toEqual([
      'd.yaml:2:11: BadDuration events[0].at: expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds), got "10 seconds"',
      'd.yaml:4:11: BadDuration timeline[0].at: expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds), got -5',
      'd.yaml:6:24: BadDuration traffic.phases[0].duration: expected a duration such as 500ms, 30s, 2m, 1h or 1500us (a bare number means seconds), got "1d"',
    ]);
  });

  it('a timeline fault is judged as a fault, an API call as a call', () => {
    const r = loadScenarioText(
      lines(
        'timeline:',
        '  - { at: 5s, fault: BackendFailed, ServerId: i-1, Port: http }',
        '  - { at: 6s, action: StopInstance, parms: {} }',
      ),
      'tl.yaml',
    );
    expect(problems(r)).toEqual([
      'tl.yaml:2:58: SchemaError timeline[0].Port: expected an integer 1–65535, got "http"',
      'tl.yaml:3:37: SchemaError unknown key parms in timeline[1] (did you mean params?); allowed keys: at, action, params, description',
    ]);
  });

  it('phases: one kind per phase', () => {
    const r = loadScenarioText(
      lines(
        'traffic:',
        '  phases:',
        '    - { duration: 10s }',
        '    - { pause: 5s, arrivalRate: 3 }',
        '    - { duration: 1s, rampTo: 9, arrivalCount: 4 }',
        '  mix: [{ listener: "lb-1:http:80" }]',
      ),
      'p.yaml',
    );
    expect(problems(r)).toEqual([
      'p.yaml:3:7: SchemaError traffic.phases[0]: a phase needs arrivalRate or arrivalCount with its duration',
      'p.yaml:4:33: SchemaError traffic.phases[1].arrivalRate: arrivalRate cannot be combined with pause (a pause phase has no requests)',
      'p.yaml:5:31: SchemaError traffic.phases[2].rampTo: rampTo needs arrivalRate (the rate it ramps from)',
    ]);
  });

  it('the top level must be a mapping', () => {
    expect(problems(loadScenarioText(lines('- a', '- b'), 'l.yaml'))).toEqual([
      'l.yaml:1:1: SchemaError the file must be a mapping of scenario keys (topology, events, traffic, …), got a list',
    ]);
  });

  it('reports all problems at once, in file order', () => {
    const r = loadScenarioText(lines('seed: {}', 'nmae: x', 'version: 2'), 'all.yaml');
    expect(problems(r).map((p) => p.split(' ').slice(0, 2).join(' '))).toEqual([
      'all.yaml:1:7: SchemaError',
      'all.yaml:2:1: SchemaError',
      'all.yaml:3:10: SchemaError',
    ]);
  });
});

describe('loadScenario: references', () => {
  it('a listener in the mix that no event creates (UnknownListener)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        '  - action: CreateLoadBalancerHTTPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 80, BackendServerPort: 80 }',
        'traffic:',
        '  requests: 10',
        '  mix:',
        '    - { listener: "lb-1:http:80" }',
        '    - { listener: "lb-1:http:8080" }',
        '    - { listener: "lb-2:tcp:80" }',
      ),
      'ref.yaml',
    );
    expect(problems(r)).toEqual([
      'ref.yaml:13:19: UnknownListener traffic.mix[1].listener: unknown listener lb-1:http:8080 (did you mean lb-1:http:80?)',
      'ref.yaml:14:19: UnknownListener traffic.mix[2].listener: unknown listener lb-2:tcp:80; known: lb-1:http:80',
    ]);
  });

  it('groups, servers and rules named by service times, faults and expectations', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        '  - action: CreateVServerGroup',
        '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-web, BackendServers: [{ ServerId: i-1, Port: 80 }] }',
        '  - action: CreateLoadBalancerHTTPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 80, VServerGroupId: rsp-web }',
        '  - action: CreateRules',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 80, RuleList: \'[{"RuleName":"api","Domain":"a.example.com","VServerGroupId":"rsp-web"}]\' }',
        'timeline:',
        '  - { at: 1s, fault: BackendFailed, ServerId: i-9 }',
        'traffic:',
        '  requests: 10',
        '  mix: [{ listener: "lb-1:http:80" }]',
        '  service:',
        '    groups: { rsp-wbe: 5ms }',
        '    backends: { "i-1:80": 5ms, "i-3": 1ms }',
        'expect:',
        '  - ruleShare: { listener: "lb-1:http:80", rule: apj, share: 0.5 }',
        '  - shares: { group: rsp-web, backends: { "i-1:80": 0.7, "i-2:80": 0.6 } }',
      ),
      'refs.yaml',
    );
    expect(problems(r)).toEqual([
      'refs.yaml:14:47: UnknownBackend timeline[0].ServerId: unknown server i-9 (did you mean i-1?)',
      'refs.yaml:19:15: UnknownGroup traffic.service.groups["rsp-wbe"]: unknown server group rsp-wbe (did you mean rsp-web?)',
      'refs.yaml:20:32: UnknownBackend traffic.service.backends["i-3"]: unknown server i-3 (did you mean i-1?)',
      'refs.yaml:22:50: UnknownRule expect[0].ruleShare.rule: unknown rule apj (did you mean api?)',
      'refs.yaml:23:41: SchemaError expect[1].shares.backends: the shares add up to 1.3, more than 1',
    ]);
  });

  it('the trace file must exist (TraceNotFound), relative to the scenario file', () => {
    const file = tempFile('tr.yaml', lines(...BASE, 'traffic:', '  trace: missing.ndjson'));
    const r = loadScenario(file);
    expect(problems(r)).toEqual([
      `${file}:8:10: TraceNotFound traffic.trace: no such file missing.ndjson (resolved to ${join(dirname(file), 'missing.ndjson')})`,
    ]);
  });
});

describe('loadScenario: files', () => {
  it('a missing file (FileNotFound) and a directory (FileUnreadable), named as typed', () => {
    expect(problems(loadScenario('no/such/file.yaml'))).toEqual([
      'no/such/file.yaml:1:1: FileNotFound no such file: no/such/file.yaml',
    ]);
    const d = dirname(tempFile('probe.txt', ''));
    const sub = join(d, 'adir.yaml');
    mkdirSync(sub, { recursive: true });
    expect(problems(loadScenario(sub))).toEqual([
      `${sub}:1:1: FileUnreadable ${sub} is a directory, not a scenario file`,
    ]);
  });

  it('a JSON file: parsed as JSON, with positions', () => {
    const text = lines(
      '{',
      '  "$schema": "../schema/scenario.schema.json",',
      '  "seed": 7,',
      '  "instances": [',
      '    { "InstanceId": "i-1", "RegionId": "cn-hangzhou", "NetworkType": "vpc", "VpcId": "vpc-1", "Status": "Runing" }',
      '  ]',
      '}',
    );
    expect(problems(loadScenarioText(text, 's.json'))).toEqual([
      's.json:5:105: SchemaError instances[0].Status: expected one of Running, Stopped, got "Runing" (did you mean Running?)',
    ]);
  });

  it('a JSON file with a JSON syntax error (JsonSyntax), even where YAML would accept it', () => {
    expect(problems(loadScenarioText(lines('{', '  "seed": 1,', '}'), 's.json'))).toEqual([
      's.json:3:1: JsonSyntax Expected double-quoted property name: JSON allows no comma before a closing bracket',
    ]);
    expect(problems(loadScenarioText('{"seed": 1, "seed": 2}', 'd.json'))).toEqual([
      'd.json:1:13: DuplicateKey duplicate key "seed": a key may appear only once in a mapping',
    ]);
  });

  it('the name defaults to the file name, the seed to "0", the simulation to exact mode', () => {
    const s = valid(lines(BASE[0], BASE[1]), 'dir/inventory.yaml');
    expect(s).toMatchObject({
      name: 'inventory',
      seed: '0',
      faults: [],
      expect: [],
      file: resolve('dir/inventory.yaml'),
    });
    expect(s.simulation).toEqual({
      cluster: { nodes: 1, workers: 1 },
      clusterByListener: {},
      ruleMatching: 'domain-first',
      urlMatching: 'normalized',
      l4Order: 'kernel',
    });
  });
});

describe('loadScenario: the loaded form', () => {
  it('sorts events by time, stably: inventory, topology, events, timeline', () => {
    const s = valid(
      lines(
        ...BASE,
        '  - { at: 30s, action: StopInstance, params: { InstanceId: i-1 } }',
        '  - { at: 0, action: StartLoadBalancerListener, params: { LoadBalancerId: lb-1, ListenerPort: 80 } }',
        'timeline:',
        '  - { at: 10s, action: StopInstance, params: { InstanceId: i-2 } }',
        '  - { at: 30s, fault: BackendFailed, ServerId: i-1, Port: 80 }',
        '  - { at: 2s, fault: BackendRecovered, ServerId: i-2 }',
        '  - { at: 0, action: CreateVServerGroup, params: { LoadBalancerId: lb-1, BackendServers: [{ ServerId: i-1, Port: 80 }] } }',
      ),
    );
    expect(s.events.map((e) => [e.field, e.action, e.at])).toEqual([
      ['instances[0]', 'CreateInstance', 0],
      ['instances[1]', 'CreateInstance', 0],
      ['events[0]', 'CreateLoadBalancer', 0],
      ['events[2]', 'StartLoadBalancerListener', 0],
      ['timeline[3]', 'CreateVServerGroup', 0],
      ['timeline[0]', 'StopInstance', 10_000_000],
      ['events[1]', 'StopInstance', 30_000_000],
    ]);
    expect(s.faults.map((f) => [f.field, f.kind, f.ServerId, f.Port, f.at])).toEqual([
      ['timeline[2]', 'BackendRecovered', 'i-2', undefined, 2_000_000],
      ['timeline[1]', 'BackendFailed', 'i-1', 80, 30_000_000],
    ]);
  });

  it('keeps the position of every parameter of a raw event', () => {
    const s = valid(
      lines(
        ...BASE,
        '  - action: CreateVServerGroup',
        '    params:',
        '      LoadBalancerId: lb-1',
        '      BackendServers:',
        '        - { ServerId: i-1, Port: 80, Weight: 10 }',
      ),
    );
    const e = s.events[3];
    expect(e.pos).toMatchObject({ file: 'x.yaml', line: 7, col: 5 });
    expect(e.paramPos['BackendServers[0].Weight']).toEqual({
      file: 'x.yaml',
      line: 11,
      col: 46,
      field: 'events[1].params.BackendServers[0].Weight',
    });
    expect(e.paramPos.LoadBalancerId).toMatchObject({ line: 9, col: 23 });
  });

  it('traffic: defaults, the request cap, and the --seed / --requests overrides', () => {
    const text = lines(
      ...BASE,
      '  - action: CreateLoadBalancerTCPListener',
      '    params: { LoadBalancerId: lb-1, ListenerPort: 443, BackendServerPort: 443 }',
      'seed: 9',
      'traffic:',
      '  requests: 50',
      '  phases: [{ duration: 2s, arrivalRate: 10, rampTo: 20, mode: poisson }, { pause: 1s }]',
      '  mix: [{ listener: "lb-1:tcp:443", weight: 2 }]',
      '  service: { default: { lognormal: { median: 20ms, sigma: 0.5 } }, groups: { default: 1ms } }',
    );
    const s = valid(text);
    expect(s.seed).toBe('9');
    expect(s.traffic).toEqual({
      requests: 50,
      phases: [
        { duration: 2_000_000, arrivalRate: 10, rampTo: 20, mode: 'poisson' },
        { duration: 1_000_000, pause: true, mode: 'uniform' },
      ],
      mix: [
        {
          listener: 'lb-1:tcp:443',
          weight: 2,
          host: '',
          path: '/',
          method: 'GET',
          headers: {},
          cookies: {},
          pos: { file: 'x.yaml', line: 13, col: 9, field: 'traffic.mix[0]' },
        },
      ],
      clients: { ips: 100, portsPerIp: 100, firstIp: '10.0.0.1', firstPort: 40000, keepCookies: true },
      service: {
        default: { kind: 'lognormal', mu: Math.log(20_000), sigma: 0.5 },
        groups: { default: { kind: 'constant', value: 1000 } },
        backends: {},
      },
    });
    const r = loadScenarioText(text, 'x.yaml', { seed: 'abc', requests: 7 });
    expect(r.ok && [r.scenario.seed, r.scenario.traffic?.requests]).toEqual(['abc', 7]);
  });

  it('simulation and expectations', () => {
    const s = valid(
      lines(
        ...BASE,
        '  - action: CreateLoadBalancerUDPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 53, BackendServerPort: 53 }',
        'simulation:',
        '  cluster: 4x8',
        '  clusterByListener: { "lb-1:udp:53": { nodes: 2, workers: 1 } }',
        '  until: 2m',
        'expect:',
        '  - maxFailed: 3',
        '  - minPValue: 0.01',
        '  - minPValue: { value: 0.05, group: default }',
        '  - shares: { group: default, backends: { "i-1:53": 1 }, window: { from: 1s, to: 2s } }',
      ),
    );
    expect(s.simulation).toEqual({
      cluster: { nodes: 4, workers: 8 },
      clusterByListener: { 'lb-1:udp:53': { nodes: 2, workers: 1 } },
      ruleMatching: 'domain-first',
      urlMatching: 'normalized',
      l4Order: 'kernel',
      until: 120_000_000,
    });
    expect(s.expect.map(({ pos, ...x }) => x)).toEqual([
      { kind: 'maxFailed', value: 3 },
      { kind: 'minPValue', value: 0.01 },
      { kind: 'minPValue', value: 0.05, group: 'default' },
      {
        kind: 'shares',
        group: 'default',
        shares: { 'i-1:53': 1 },
        tolerance: 0.02,
        window: { from: 1_000_000, to: 2_000_000 },
      },
    ]);
  });

  it('YAML anchors and merge keys work, and positions follow them', () => {
    const r = loadScenarioText(
      lines(
        'instances:',
        '  - &one { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
        '  - { <<: *one, InstanceId: i-2, Zone: z }',
      ),
      'm.yaml',
    );
    expect(problems(r)).toEqual([
      'm.yaml:3:34: SchemaError unknown key Zone in instances[1] (did you mean ZoneId?); allowed keys: InstanceId, InstanceName, RegionId, ZoneId, NetworkType, VpcId, Status, PrivateIpAddress',
    ]);
    const ok = valid(
      lines(
        'instances:',
        '  - &one { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
        '  - { <<: *one, InstanceId: i-2 }',
      ),
    );
    expect(ok.events.map((e) => e.params)).toEqual([
      { InstanceId: 'i-1', RegionId: 'cn-hangzhou', VpcId: 'vpc-1' },
      { InstanceId: 'i-2', RegionId: 'cn-hangzhou', VpcId: 'vpc-1' },
    ]);
    expect(ok.events[1].paramPos.RegionId).toMatchObject({ line: 2, col: 39 });
  });
});
