import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/scenario/check.js';
import { paramPosition, stateAt } from '../../src/scenario/fold-at.js';
import { BASE, formatted, lines, tempFile, valid } from './helpers.js';

const GROUP_EVENTS = [
  ...BASE,
  '  - action: CreateVServerGroup', // 7
  '    params:',
  '      LoadBalancerId: lb-1',
  '      VServerGroupId: rsp-1',
  '      BackendServers:',
  '        - { ServerId: i-1, Port: 80, Weight: 50 }', // 12
  '        - { ServerId: i-2, Port: 80, Weight: 150 }', // 13
  '  - action: CreateVServerGroup', // 14
  '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-2, BackendServers: \'[{"ServerId":"i-9","Port":80}]\' }',
  '  - action: CreateVServerGroup', // 16
  '    params: { LoadBalancerId: lb-1, VServerGroupId: rsp-3, BackendServers: [{ ServerId: i-2, Port: 81 }] }',
  '  - action: CreateLoadBalancerTCPListener', // 18
  '    params: { LoadBalancerId: lb-1, ListenerPort: 80, VServerGroupId: rsp-3 }',
  '  - action: CreateRules', // 20
  '    params: { LoadBalancerId: lb-1, ListenerPort: 80, RuleList: [{ RuleName: a, Domain: a.com, VServerGroupId: rsp-3 }] }',
  'timeline:', // 22
  '  - { at: 30s, action: DeleteVServerGroup, params: { VServerGroupId: rsp-3 } }',
  '  - { at: 40s, action: StopInstance, params: { InstanceId: i-1 } }',
];

describe('stateAt: rejected events become diagnostics at the parameter', () => {
  it('points at the line of the offending parameter, with the CLB code, and folds on', () => {
    const s = valid(lines(...GROUP_EVENTS), 'f.yaml');
    const { state, diagnostics } = stateAt(s);
    expect(formatted(diagnostics)).toEqual([
      'f.yaml:13:46: InvalidWeight.Malformed CreateVServerGroup rejected: BackendServers[1].Weight must be between 0 and 100, got 150.',
      // A JSON-string list parameter: the string node.
      'f.yaml:15:76: ObtainIpFail CreateVServerGroup rejected: The specified BackendServers is invalid; ECS instance i-9 does not exist (add it to the inventory first).',
      'f.yaml:21:51: RuleNotSupport CreateRules rejected: Rule is not support in the tcp type listener: forwarding rules exist only on HTTP and HTTPS listeners.',
      'f.yaml:23:70: RspoolVipExist DeleteVServerGroup at 30s rejected: There are vips associating with this vServer group: rsp-3 is used by listener tcp:80.',
    ]);
    expect(diagnostics[0].field).toBe('events[1].params.BackendServers[1].Weight');
    // Rejected calls changed nothing; the others applied.
    expect(state.LoadBalancers[0].VServerGroups.map((g) => g.VServerGroupId)).toEqual(['rsp-3']);
    expect(state.Instances.find((i) => i.InstanceId === 'i-1')?.Status).toBe('Stopped');
  });

  it('folds only the events at or before the time', () => {
    const s = valid(lines(...GROUP_EVENTS), 'f.yaml');
    const at0 = stateAt(s, 0);
    expect([at0.folded, at0.later, at0.diagnostics.length]).toEqual([8, 2, 3]);
    expect(at0.state.Instances.map((i) => i.Status)).toEqual(['Running', 'Running']);
    const at40 = stateAt(s, 40_000_000);
    expect([at40.folded, at40.later]).toEqual([10, 0]);
    expect(at40.state.Instances.map((i) => i.Status)).toEqual(['Stopped', 'Running']);
    expect(stateAt(s, 39_999_999).later).toBe(1);
  });

  it('maps a rejection in the declarative form to the element that produced it, without its consequences', () => {
    const servers = Array.from(
      { length: 25 },
      (_, k) => `            - { server: ${k === 22 ? 'i-9' : 'i-1'}, port: ${8000 + k} }`,
    );
    const s = valid(
      lines(
        'instances:',
        '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
        'topology:',
        '  loadBalancers:',
        '    - id: lb-1',
        '      region: cn-hangzhou',
        '      vpc: vpc-1',
        '      vServerGroups:',
        '        - id: rsp-big',
        '          servers:', // 10
        ...servers, // 11..35; servers[22] on line 33
        '      listeners:',
        '        - { protocol: http, port: 80, group: rsp-nope }', // 37
      ),
      'd.yaml',
    );
    expect(formatted(stateAt(s).diagnostics)).toEqual([
      'd.yaml:33:25: ObtainIpFail AddVServerGroupBackendServers rejected: The specified BackendServers is invalid; ECS instance i-9 does not exist (add it to the inventory first).',
      'd.yaml:37:46: InvalidParameter CreateLoadBalancerHTTPListener rejected: The specified VServerGroupId rsp-nope does not exist in load balancer lb-1.',
    ]);
  });

  it('falls back from a parameter path to its nearest recorded ancestor, then to the event', () => {
    const s = valid(lines(...GROUP_EVENTS), 'f.yaml');
    const e = s.events[4];
    expect(paramPosition(e, 'BackendServers[0].Port')).toMatchObject({ line: 15, col: 76 });
    expect(paramPosition(e, 'Nothing')).toBe(e.pos);
    expect(paramPosition(e, undefined)).toBe(e.pos);
  });
});

describe('checkScenario', () => {
  it('is empty for a scenario whose every event folds', () => {
    expect(checkScenario(valid(lines(...BASE)))).toEqual([]);
  });

  it('checks every row of a trace: syntax, order and listeners', () => {
    const trace = tempFile(
      'replay.ndjson',
      lines(
        '{"t": 0, "listener": "lb-1:tcp:80", "clientIp": "10.0.0.1", "clientPort": 1000}',
        '{"t": 5, "listener": "lb-1:tcp:81", "clientIp": "10.0.0.1", "clientPort": 1000}',
        '{"t": 1, "listener": "lb-1:tcp:80", "clientIp": "10.0.0.1", "clientPort": 1000}',
      ),
    );
    const file = tempFile(
      'with-trace.yaml',
      lines(
        ...BASE,
        '  - action: CreateLoadBalancerTCPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 80, BackendServerPort: 80 }',
        'traffic:',
        '  trace: replay.ndjson',
      ),
    );
    const s = valid(lines(...BASE), 'x.yaml');
    expect(checkScenario(s)).toEqual([]);
    const loaded = valid(
      lines(
        ...BASE,
        '  - action: CreateLoadBalancerTCPListener',
        '    params: { LoadBalancerId: lb-1, ListenerPort: 80, BackendServerPort: 80 }',
        'traffic:',
        `  trace: ${JSON.stringify(trace)}`,
      ),
      file,
    );
    const shown = trace.startsWith(process.cwd()) ? trace.slice(process.cwd().length + 1) : trace;
    expect(formatted(checkScenario(loaded))).toEqual([
      `${shown}:2:1: UnknownListener listener lb-1:tcp:81 is not defined by the scenario`,
      `${shown}:3:2: TraceOrder rows must be in non-decreasing time: t is 1ms after a row at 5ms`,
    ]);
  });
});
