import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { protocolInName, recognize, responsesIn, unwrap } from '../../src/import/aliyun-files.js';
import { ImportLog } from '../../src/import/import-log.js';
import { JsonNode, parseJsonText } from '../../src/import/json-input.js';

function node(value: unknown, file = 'x.json'): JsonNode {
  const { json } = parseJsonText(JSON.stringify(value, null, 2), file);
  if (!json) throw new Error('fixture JSON');
  return JsonNode.root(json);
}

const kind = (value: unknown, file?: string) => {
  const r = recognize(node(value, file));
  return r && { kind: r.kind, protocol: r.protocol, layer: r.layer };
};

describe('recognize: a response is known by its keys', () => {
  it('tells every Describe call apart', () => {
    expect(kind({ RequestId: 'r', Instances: { Instance: [] }, TotalCount: 0 })?.kind).toBe(
      'DescribeInstances',
    );
    expect(kind({ LoadBalancers: { LoadBalancer: [{ LoadBalancerId: 'lb-1' }] } })?.kind).toBe(
      'DescribeLoadBalancers',
    );
    expect(
      kind({ LoadBalancerId: 'lb-1', Address: '10.0.0.1', BackendServers: { BackendServer: [] } })?.kind,
    ).toBe('DescribeLoadBalancerAttribute');
    expect(kind({ VServerGroups: { VServerGroup: [] } })?.kind).toBe('DescribeVServerGroups');
    expect(
      kind({ VServerGroupId: 'rsp-1', LoadBalancerId: 'lb-1', BackendServers: { BackendServer: [] } })?.kind,
    ).toBe('DescribeVServerGroupAttribute');
    expect(kind({ MasterSlaveServerGroups: { MasterSlaveServerGroup: [] } })?.kind).toBe(
      'DescribeMasterSlaveServerGroups',
    );
    expect(kind({ MasterSlaveServerGroupId: 'rsp-2', LoadBalancerId: 'lb-1' })?.kind).toBe(
      'DescribeMasterSlaveServerGroupAttribute',
    );
    expect(kind({ Rules: { Rule: [{ RuleId: 'rule-1' }] } })?.kind).toBe('DescribeRules');
    expect(
      kind({ RuleId: 'rule-1', LoadBalancerId: 'lb-1', ListenerPort: '80', VServerGroupId: 'rsp-1' })?.kind,
    ).toBe('DescribeRuleAttribute');
    expect(kind({ ListenerPort: 80, VServerGroupId: 'rsp-1', Rules: { Rule: [] } })?.kind).toBe(
      'DescribeLoadBalancerListenerAttribute',
    );
    expect(kind({ Foo: 1 })).toBeUndefined();
  });

  it('knows a listener’s protocol by its fields, or only its layer', () => {
    expect(kind({ ListenerPort: 443, ServerCertificateId: 'c' })).toEqual({
      kind: 'DescribeLoadBalancerListenerAttribute',
      protocol: 'https',
      layer: undefined,
    });
    expect(kind({ ListenerPort: 3306, EstablishedTimeout: 900 })?.protocol).toBe('tcp');
    expect(kind({ ListenerPort: 53, HealthCheckReq: '' })?.protocol).toBe('udp');
    expect(kind({ ListenerPort: 80, ListenerProtocol: 'HTTP' })?.protocol).toBe('http');
    expect(kind({ ListenerPort: 80, StickySession: 'off' })).toMatchObject({ protocol: undefined, layer: 7 });
    expect(kind({ ListenerPort: 80, PersistenceTimeout: 0 })).toMatchObject({
      protocol: undefined,
      layer: 4,
    });
  });

  it('reads a protocol from a file name, load balancer ids cut out first', () => {
    expect(protocolInName('saved/DescribeLoadBalancerHTTPSListenerAttribute-443.json')).toBe('https');
    expect(protocolInName('saved/describeloadbalancerhttplistenerattribute.json')).toBe('http');
    expect(protocolInName('lb-1.tcp-443.json')).toBe('tcp');
    expect(protocolInName('00-lb-tcp.udp-53.json', ['lb-tcp'])).toBe('udp');
    expect(protocolInName('listener-80.json')).toBeUndefined();
    expect(protocolInName('httpd-80.json')).toBeUndefined();
  });
});

describe('unwrap: the API’s list wrappers and their variants', () => {
  const log = new ImportLog();
  const items = (v: unknown) => unwrap(node({ L: v }).at('L'), 'Item', log).map((n) => n.value);
  it('takes {"Item": [...]}, a bare array, one object, {} and ""', () => {
    expect(items({ Item: [1, 2] })).toEqual([1, 2]);
    expect(items([3])).toEqual([3]);
    expect(items({ Item: { a: 1 } })).toEqual([{ a: 1 }]);
    expect(items({})).toEqual([]);
    expect(items('')).toEqual([]);
    expect(log.failed).toBe(false);
  });
  it('reports anything else at its place', () => {
    const l = new ImportLog();
    unwrap(node({ L: 7 }).at('L'), 'Item', l);
    expect(l.diagnostics.map(formatDiagnostic)).toEqual([
      'x.json:2:8: UnknownShape expected a list wrapped as {"Item": [...]}',
    ]);
  });
});

describe('responsesIn', () => {
  it('reads every response of a file holding an array of them', () => {
    const log = new ImportLog();
    const rs = responsesIn(node([{ VServerGroups: { VServerGroup: [] } }, { Rules: { Rule: [] } }]), log);
    expect(rs.map((r) => [r.kind, r.node.path])).toEqual([
      ['DescribeVServerGroups', [0]],
      ['DescribeRules', [1]],
    ]);
  });
});
