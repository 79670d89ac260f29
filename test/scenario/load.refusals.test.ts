/**
 * Nothing a user would expect refused is accepted silently (issue 10 §3): one regression test per
 * case, named after what it used to do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';
import { BASE, lines, problems, valid } from './helpers.js';

const EMPTY =
  'EmptyScenario Empty scenario: no topology, no events (add instances, topology, events or timeline)';

describe('an empty scenario is refused', () => {
  it.each([
    ['an empty file', ''],
    ['only whitespace', '   \n\n\t\n'],
    ['only a comment', '# nothing here\n'],
    ['a lone ~', '~\n'],
    ['a mapping with no topology and no events', 'name: x\nseed: 7\n'],
  ])('refuses %s (was: valid, 0 load balancers)', (_what, text) => {
    expect(problems(loadScenarioText(text, 'e.yaml'))).toEqual([`e.yaml:1:1: ${EMPTY}`]);
  });

  it('refuses an empty JSON object (was: valid, 0 load balancers)', () => {
    expect(problems(loadScenarioText('{}\n', 'e.json'))).toEqual([`e.json:1:1: ${EMPTY}`]);
  });

  it('refuses /dev/null (was: valid, 0 load balancers)', () => {
    expect(problems(loadScenario('/dev/null'))).toEqual([
      '/dev/null:1:1: FileUnreadable /dev/null is a character device: a scenario must be a regular file (YAML or JSON)',
    ]);
  });
});

describe('reserved JavaScript names are unknown keys everywhere', () => {
  it('refuses __proto__ in params (was: accepted)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE.slice(0, 5),
        '    params: { LoadBalancerId: lb-1, RegionId: cn-hangzhou, __proto__: { polluted: 1 } }',
      ),
      'p.yaml',
    );
    expect(problems(r)).toEqual([
      'p.yaml:6:60: SchemaError unknown key __proto__ in events[0].params: a reserved JavaScript name is never a scenario key',
    ]);
  });

  it('refuses constructor and prototype in topology (was: accepted)', () => {
    const r = loadScenarioText(
      lines(
        'topology:',
        '  loadBalancers:',
        '    - { id: lb-1, region: cn-hangzhou, constructor: 1 }',
        '  prototype: {}',
      ),
      't.yaml',
    );
    expect(problems(r)).toEqual([
      't.yaml:3:40: SchemaError unknown key constructor in topology.loadBalancers[0]: a reserved JavaScript name is never a scenario key',
      't.yaml:4:3: SchemaError unknown key prototype in topology: a reserved JavaScript name is never a scenario key',
    ]);
  });

  it('refuses them in service.backends, expect and simulation.clusterByListener (was: accepted)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        'traffic:',
        '  service: { backends: { __proto__: 5ms, constructor: 1ms } }',
        'simulation:',
        '  clusterByListener: { prototype: 2x2 }',
        'expect:',
        '  - shares: { group: default, backends: { __proto__: 0.5 } }',
      ),
      'k.yaml',
    );
    expect(problems(r)).toEqual([
      'k.yaml:8:26: SchemaError unknown key __proto__ in traffic.service.backends: a reserved JavaScript name is never a scenario key',
      'k.yaml:8:42: SchemaError unknown key constructor in traffic.service.backends: a reserved JavaScript name is never a scenario key',
      'k.yaml:10:24: SchemaError unknown key prototype in simulation.clusterByListener: a reserved JavaScript name is never a scenario key',
      'k.yaml:12:43: SchemaError unknown key __proto__ in expect[0].shares.backends: a reserved JavaScript name is never a scenario key',
    ]);
  });

  it('property: a reserved key anywhere is refused and pollutes no prototype (YAML and JSON)', () => {
    const reserved = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const base = {
      instances: [{ InstanceId: 'i-1', RegionId: 'cn-hangzhou', VpcId: 'vpc-1' }],
      events: [{ action: 'CreateLoadBalancer', params: { LoadBalancerId: 'lb-1', RegionId: 'cn-hangzhou' } }],
      traffic: { service: { backends: { 'i-1': '5ms' } } },
      simulation: { clusterByListener: {} },
      expect: [{ maxFailed: 0 }],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(
          [],
          ['instances', 0],
          ['events', 0],
          ['events', 0, 'params'],
          ['traffic'],
          ['traffic', 'service', 'backends'],
          ['simulation', 'clusterByListener'],
          ['expect', 0],
        ),
        reserved,
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        (where: readonly (string | number)[], key, value, json) => {
          // In YAML a `<<` key is a merge: one whose value is not a map is a syntax error, refused
          // as such before any key is read (the regression case below).
          fc.pre(json || !JSON.stringify(value).includes('"<<"'));
          const doc = JSON.parse(JSON.stringify(base));
          let node = doc;
          for (const seg of where) node = node[seg];
          Object.defineProperty(node, key, { value, enumerable: true, configurable: true, writable: true });
          const text = json ? JSON.stringify(doc) : stringify(doc);
          const r = loadScenarioText(text, json ? 'p.json' : 'p.yaml');
          expect(r.ok).toBe(false);
          expect(problems(r).some((p) => p.includes(`SchemaError unknown key ${key} in `))).toBe(true);
          expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('regression (fast-check seed 2109854648): a reserved key whose value holds a merge of a scalar is refused as YAML', () => {
    // Given `__proto__: { "": { "<<": "" } }` at the top of a YAML scenario
    const text = 'instances: []\nevents: []\n__proto__:\n  "":\n    <<: ""\n';
    // When it is loaded, then it is refused with the YAML error at the merge, and nothing is polluted
    const r = loadScenarioText(text, 'm.yaml');
    expect(r.ok).toBe(false);
    expect(problems(r)).toEqual([
      'm.yaml:5:9: YamlSyntax a merge (<<) takes a mapping, an alias of one, or a list of them',
    ]);
    expect(({} as Record<string, unknown>)['']).toBeUndefined();
    // and so is any merge of something that is not a mapping: a list holding a scalar, an alias of a scalar
    for (const [doc, at] of [
      ['base: &b { a: 1 }\nx:\n  <<: [*b, 3]\n', '3:7'],
      ['s: &s 5\nx:\n  <<: *s\n', '3:7'],
    ]) {
      const bad = loadScenarioText(doc, 'n.yaml');
      expect(problems(bad)).toEqual([
        `n.yaml:${at}: YamlSyntax a merge (<<) takes a mapping, an alias of one, or a list of them`,
      ]);
    }
  });
});

describe('YAML that would be half-read is refused', () => {
  it('refuses a second YAML document (was: only the first one used, silently)', () => {
    const r = loadScenarioText(lines(...BASE, '---', 'name: other'), 'two.yaml');
    expect(problems(r)).toEqual([
      'two.yaml:7:1: YamlSyntax a second YAML document: a scenario file holds exactly one (remove the --- line or split the file)',
    ]);
  });

  it('accepts one document that starts with ---', () => {
    expect(valid(lines('---', ...BASE)).events).toHaveLength(3);
  });

  it('refuses an unknown tag (was: !foo accepted)', () => {
    const r = loadScenarioText(lines(...BASE, 'name: !foo x'), 'tag.yaml');
    expect(problems(r)).toEqual([
      'tag.yaml:7:7: YamlSyntax unknown tag !foo: scenario files use no custom tags',
    ]);
  });

  it('refuses a NUL byte in the file (was: accepted)', () => {
    const r = loadScenarioText(`${lines(...BASE)}name: a\0b\n`, 'nul.yaml');
    expect(problems(r)).toEqual([
      'nul.yaml:7:8: YamlSyntax a NUL character (\\0): a scenario file is text, not binary data',
    ]);
  });

  it('refuses a NUL character in a string value, escaped or in JSON (was: accepted)', () => {
    expect(problems(loadScenarioText(lines(...BASE, 'name: "a\\0b"'), 'nul.yaml'))).toEqual([
      'nul.yaml:7:7: SchemaError name: a NUL character (\\0) in a string',
    ]);
    expect(problems(loadScenarioText('{"name": "a\\u0000b"}', 'nul.json'))).toEqual([
      'nul.json:1:10: SchemaError name: a NUL character (\\0) in a string',
    ]);
  });
});

describe('times beyond the simulation horizon are refused', () => {
  it('refuses at: 9007199254740993us (was: accepted beyond exact integers)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        'timeline:',
        '  - { at: 9007199254740993us, action: StopInstance, params: { InstanceId: i-1 } }',
      ),
      'h.yaml',
    );
    expect(problems(r)).toEqual([
      'h.yaml:8:11: BadDuration timeline[0].at: 9007199254740993us is beyond the simulation horizon of 1000000000s (about 31.7 years)',
    ]);
  });

  it('accepts a time at the horizon and refuses phases that last longer together', () => {
    valid(lines(...BASE, 'simulation: { until: 1000000000s }'));
    const r = loadScenarioText(
      lines(
        ...BASE,
        '  - { action: CreateLoadBalancerHTTPListener, params: { LoadBalancerId: lb-1, ListenerPort: 80, BackendServerPort: 80 } }',
        'traffic:',
        '  requests: 10',
        '  phases: [{ pause: 600000000s }, { pause: 600000000s }]',
        '  mix: [{ listener: "lb-1:http:80" }]',
      ),
      'p.yaml',
    );
    expect(problems(r)).toEqual([
      'p.yaml:10:11: BadDuration traffic.phases: the phases last 1200000000s together, beyond the simulation horizon of 1000000000s',
    ]);
  });
});

describe('a fault names a port the server serves', () => {
  const group = [
    '  - action: CreateVServerGroup',
    '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-1, BackendServers: [{ ServerId: i-1, Port: 8080 }] }',
  ];

  it('refuses a fault on a known ECS but a port no group has (was: accepted without a notice)', () => {
    const r = loadScenarioText(
      lines(
        ...BASE,
        ...group,
        'timeline:',
        '  - { at: 1s, fault: BackendFailed, ServerId: i-1, Port: 9999 }',
      ),
      'f.yaml',
    );
    expect(problems(r)).toEqual([
      'f.yaml:10:58: UnknownBackend timeline[0].Port: i-1 serves no server group on port 9999 (its ports: 8080)',
    ]);
  });

  it('refuses a port on a server that is in no group', () => {
    const r = loadScenarioText(
      lines(...BASE, ...group, 'timeline:', '  - { at: 1s, fault: BackendFailed, ServerId: i-2, Port: 80 }'),
      'f.yaml',
    );
    expect(problems(r)).toEqual([
      'f.yaml:10:58: UnknownBackend timeline[0].Port: i-2 serves no server group on port 80 (it is in no server group)',
    ]);
  });

  it("accepts a group's port, a default-server-group member on a listener's backend port, and no port", () => {
    valid(
      lines(
        ...BASE,
        ...group,
        '  - action: AddBackendServers',
        '    params: { LoadBalancerId: lb-1, BackendServers: [{ ServerId: i-2 }] }',
        '  - action: CreateLoadBalancerHTTPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 81, BackendServerPort: 80 }',
        'timeline:',
        '  - { at: 1s, fault: BackendFailed, ServerId: i-1, Port: 8080 }',
        '  - { at: 1s, fault: BackendFailed, ServerId: i-2, Port: 80 }',
        '  - { at: 2s, fault: BackendRecovered, ServerId: i-2 }',
      ),
    );
  });
});

describe('a JSON syntax error points at the offending token', () => {
  it('a // comment (was: the end of the file)', () => {
    expect(problems(loadScenarioText('{\n  "name": "a", // why\n  "seed": 1\n}\n', 'c.json'))).toEqual([
      'c.json:2:16: JsonSyntax Expected double-quoted property name: JSON has no comments',
    ]);
    expect(problems(loadScenarioText('// a comment\n{}\n', 'c.json'))).toEqual([
      "c.json:1:1: JsonSyntax Unexpected token '/': JSON has no comments",
    ]);
  });

  it('NaN and Infinity (was: the end of the file)', () => {
    expect(problems(loadScenarioText('{\n  "name": "a",\n  "seed": NaN,\n  "x": 1\n}\n', 'n.json'))).toEqual([
      "n.json:3:11: JsonSyntax Unexpected token 'N': JSON has no NaN or Infinity",
    ]);
    expect(problems(loadScenarioText('{"seed": 1,\n "x": Infinity}', 'n.json'))).toEqual([
      "n.json:2:7: JsonSyntax Unexpected token 'I': JSON has no NaN or Infinity",
    ]);
  });

  it('a trailing comma', () => {
    expect(problems(loadScenarioText('{"instances": [1, 2,]}', 't.json'))).toEqual([
      "t.json:1:21: JsonSyntax Unexpected token ']': JSON allows no comma before a closing bracket",
    ]);
  });
});
