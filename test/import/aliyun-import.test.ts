import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { importAliyun } from '../../src/import/aliyun-import.js';
import type { Described } from '../../src/topology/describe.js';
import { apiValue, expectFields, foldImported, HELD, LISTENER_DEFAULTS } from './round-trip.js';

const FIX = 'test/import/fixtures/aliyun';
const LB1 = 'lb-bp1b6c719dfa08exfuca5';
const LB2 = 'lb-bp1o94dp5i6earr9g6d1l';

// biome-ignore lint/suspicious/noExplicitAny: parsed fixture JSON, read as the API documents it.
type Json = Record<string, any>;
const read = (name: string, dir = FIX): Json => JSON.parse(readFileSync(join(dir, name), 'utf8'));

/** `file:line:col` of the value of the first `"key": value` in `file` (1-based, as the importer reports). */
function at(file: string, key: string, value?: unknown, dir = FIX): string {
  const text = readFileSync(join(dir, file), 'utf8');
  const needle = value === undefined ? `"${key}":` : `"${key}": ${JSON.stringify(value)}`;
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  const v = value === undefined ? i : i + `"${key}": `.length;
  const before = text.slice(0, v).split('\n');
  return `${join(dir, file)}:${before.length}:${before[before.length - 1].length + 1}`;
}

/** `file:line` of the object holding the first `"key": value` in `file` (where the importer says it came from). */
function objectAt(file: string, key: string, value: unknown): string {
  const text = readFileSync(join(FIX, file), 'utf8');
  let i = text.indexOf(`"${key}": ${JSON.stringify(value)}`);
  // Back to the brace that opens the enclosing object (the fixtures' strings hold no braces).
  for (let depth = 0; i > 0; i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && depth-- === 0) break;
  }
  return `${join(FIX, file)}:${text.slice(0, i).split('\n').length}`;
}

/** Each listener of the fixtures, by key, and the file of its Describe…ListenerAttribute. */
const LISTENERS: Record<string, string> = {
  [`${LB1}:http:80`]: 'listener-80.json',
  [`${LB1}:http:81`]: 'DescribeLoadBalancerHTTPListenerAttribute-81.json',
  [`${LB1}:https:443`]: 'https-443.json',
  [`${LB1}:tcp:3306`]: 'tcp-3306.json',
  [`${LB1}:udp:53`]: 'udp-53.json',
  [`${LB2}:tcp:80`]: 'listener-80b.json',
};
const GROUPS: Record<string, string> = {
  'rsp-bp1web8jdl3aw': 'vsg-web.json',
  'rsp-bp1api2c7xk1m': 'vsg-api.json',
  'rsp-bp1static5g3n': 'vsg-static.json',
  'rsp-bp1dns6y0t2f': 'vsg-dns.json',
  'rsp-bp1edge9k2w4v': 'vsg-edge.json',
};
const RULES: Record<string, Json> = Object.fromEntries([
  ...read(`DescribeRules-${LB1}-80.json`).Rules.Rule.map((r: Json) => [r.RuleId, r]),
  ['rule-bp1apitls5c8', read('rule-api-tls.json')],
]);

function imported(paths: string[] = [FIX], opts = {}) {
  const r = importAliyun(paths, opts);
  if (!r.ok) expect.fail(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r;
}

/** A copy of the fixtures to break; `edit` gets the copy's directory. */
function broken(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'slbsim-import-'));
  cpSync(FIX, dir, { recursive: true });
  edit(dir);
  return dir;
}

function problems(paths: string[]): string[] {
  const r = importAliyun(paths);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

describe('slbsim import aliyun: the documented response shapes, quirks included', () => {
  const result = imported();
  const { described, instances } = foldImported(result.text);

  it('rebuilds both load balancers, in DescribeLoadBalancers order, with every field of their attribute', () => {
    expect(described.LoadBalancers.map((lb) => lb.LoadBalancerId)).toEqual([LB1, LB2]);
    for (const lb of described.LoadBalancers) {
      const src = read(`${lb.LoadBalancerId}.json`);
      expectFields(lb, src, HELD.loadBalancer, String(lb.LoadBalancerId));
      const entries = (lb.BackendServers as Json).BackendServer as Described[];
      expect(entries.length).toBe(src.BackendServers.BackendServer.length);
      entries.forEach((e, i) => {
        expectFields(
          e,
          src.BackendServers.BackendServer[i],
          HELD.defaultEntry,
          `${lb.LoadBalancerId} default[${i}]`,
        );
      });
    }
  });

  it('rebuilds every VServer and primary/secondary group entry by entry, numbers from numeric strings', () => {
    const lb1 = described.LoadBalancers[0];
    expect((lb1.VServerGroups as Described[]).map((g) => g.VServerGroupId)).toEqual(
      read(`DescribeVServerGroups-${LB1}.json`).VServerGroups.VServerGroup.map((g: Json) => g.VServerGroupId),
    );
    for (const lb of described.LoadBalancers)
      for (const g of lb.VServerGroups as Described[]) {
        const src = read(GROUPS[String(g.VServerGroupId)]);
        expectFields(g, src, HELD.vServerGroup, String(g.VServerGroupId));
        const entries = (g.BackendServers as Json).BackendServer as Described[];
        expect(entries.length).toBe(src.BackendServers.BackendServer.length);
        entries.forEach((e, i) => {
          expectFields(
            e,
            src.BackendServers.BackendServer[i],
            HELD.vServerEntry,
            `${g.VServerGroupId}[${i}]`,
          );
        });
      }
    const [msg] = lb1.MasterSlaveServerGroups as Described[];
    const src = read('msg-db.json');
    expectFields(msg, src, HELD.masterSlaveGroup, 'msg');
    const entries = (msg.MasterSlaveBackendServers as Json).MasterSlaveBackendServer as Described[];
    entries.forEach((e, i) => {
      expectFields(
        e,
        src.MasterSlaveBackendServers.MasterSlaveBackendServer[i],
        HELD.masterSlaveEntry,
        `msg[${i}]`,
      );
    });
  });

  it('rebuilds every listener with every held field; what a response leaves out is CLB’s default', () => {
    const keys = described.LoadBalancers.flatMap((lb) =>
      (lb.Listeners as Described[]).map(
        (l) => `${lb.LoadBalancerId}:${l.ListenerProtocol}:${l.ListenerPort}`,
      ),
    );
    // ListenerPortsAndProtocol order; the HTTP→HTTPS redirect on 8080 is not modelled.
    expect(keys).toEqual(Object.keys(LISTENERS));
    for (const lb of described.LoadBalancers)
      for (const l of lb.Listeners as Described[]) {
        const key = `${lb.LoadBalancerId}:${l.ListenerProtocol}:${l.ListenerPort}`;
        const src = read(LISTENERS[key]);
        const l4 = l.ListenerProtocol === 'tcp' || l.ListenerProtocol === 'udp';
        const port = apiValue(src.HealthCheckConnectPort);
        expectFields(l, src, l4 ? HELD.l4 : HELD.l7, key, {
          defaults: { ...LISTENER_DEFAULTS, ...(l4 ? { HealthCheckType: l.ListenerProtocol } : {}) },
          expected: {
            ListenerProtocol: key.split(':')[1],
            // The API's "not set" values.
            BackendServerPort:
              apiValue(src.BackendServerPort) === 0 ? undefined : apiValue(src.BackendServerPort),
            HealthCheckConnectPort: typeof port === 'number' && port <= 0 ? undefined : port,
            HealthCheckDomain: src.HealthCheckDomain === '$_ip' ? undefined : apiValue(src.HealthCheckDomain),
          },
        });
        const rules = ((l.Rules as Json | undefined)?.Rule ?? []) as Described[];
        for (const r of rules)
          expectFields(r, RULES[String(r.RuleId)], HELD.rule, `${key} ${r.RuleId}`, {
            defaults: { ListenerSync: 'on' },
          });
      }
    const rulesOf = (lb: number, i: number) =>
      (((described.LoadBalancers[lb].Listeners as Described[])[i].Rules as Json).Rule as Described[]).map(
        (r) => r.RuleId,
      );
    expect(rulesOf(0, 0)).toEqual(['rule-bp1api7x3k2', 'rule-bp1static9m4']);
    expect(rulesOf(0, 2)).toEqual(['rule-bp1apitls5c8']);
  });

  it('keeps the ECS instances some group names, with the DescribeInstances fields the model holds', () => {
    const ecs = [
      ...read('ecs-DescribeInstances-page1.json').Instances.Instance,
      ...read('ecs-DescribeInstances-page2.json').Instances.Instance,
    ].filter((i: Json) => i.InstanceId !== 'i-bp1bastion9x');
    expect(instances).toEqual(
      ecs.map((i: Json) => ({
        InstanceId: i.InstanceId,
        InstanceName: i.InstanceName,
        RegionId: i.RegionId,
        ZoneId: i.ZoneId,
        NetworkType: i.InstanceNetworkType,
        VpcId: i.VpcAttributes.VpcId,
        Status: i.Status,
        PrivateIpAddress: i.VpcAttributes.PrivateIpAddress.IpAddress[0],
      })),
    );
    expect(instances.find((i) => i.InstanceId === 'i-bp1legacy02r6')?.Status).toBe('Stopped');
    const all = foldImported(imported([FIX], { allInstances: true }).text).instances;
    expect(all.map((i) => i.InstanceId)).toContain('i-bp1bastion9x');
  });

  it('says where each piece came from', () => {
    const comments = result.text.split('\n').filter((l) => /^\s+# /.test(l));
    expect(comments).toContain(`  # DescribeVServerGroupAttribute rsp-bp1web8jdl3aw — ${FIX}/vsg-web.json:1`);
    expect(comments).toContain(
      `  # DescribeLoadBalancerHTTPListenerAttribute ${LB1}:http:80 — ${FIX}/listener-80.json:1`,
    );
    expect(comments).toContain(`  # rules of ${LB1}:http:80`);
    expect(comments).toContain(
      `        # DescribeRules rule-bp1static9m4 — ${objectAt(`DescribeRules-${LB1}-80.json`, 'RuleId', 'rule-bp1static9m4')}`,
    );
    expect(comments).toContain(
      `        # DescribeRuleAttribute rule-bp1apitls5c8 — ${FIX}/rule-api-tls.json:1`,
    );
    expect(comments).toContain(
      `  # DescribeInstances i-bp1legacy02r6 — ${objectAt('ecs-DescribeInstances-page1.json', 'InstanceId', 'i-bp1legacy02r6')} (Stopped: created running so it can join its groups, stopped at the end)`,
    );
    expect(result.summary).toBe(
      '2 load balancers, 6 listeners, 5 VServer groups, 1 primary/secondary group, 3 rules, 12 ECS instances, 23 events',
    );
  });

  it('lists the fields it ignores once per call, and what it read differently', () => {
    expect(result.notices).toContain(
      'DescribeVServerGroupAttribute BackendServers entries: not modelled, ignored: ProxyProtocolV2Enabled, ServerRegionId, VbrId, VpcId',
    );
    expect(result.notices).toContain(
      'DescribeLoadBalancerTCPListenerAttribute: not modelled, ignored: AclStatus, Bandwidth, ConnectionDrain, ConnectionDrainTimeout, EstablishedTimeout, MaxConnection, ProxyProtocolV2Enabled, SynProxy',
    );
    expect(result.notices.filter((n) => /ignored/.test(n)).length).toBe(12);
    expect(result.notices).toContain(
      `${LB1}:http:80: HealthCheckConnectPort -520 (check the backend's own port) is what the model does without one; left out`,
    );
    expect(result.notices).toContain(
      `${LB1}:http:8080 redirects to port 443 (ListenerForward on, ${FIX}/redirect-8080.json:1): redirect listeners are not modelled; left out`,
    );
    expect(result.notices).toContain(
      "not given, CLB's default HealthyThreshold = 3 applies: lb-bp1b6c719dfa08exfuca5:http:81",
    );
    expect(result.notices).toContain(
      '1 ECS instance no group names left out of the inventory (--all-instances keeps them)',
    );
  });

  it('recognises each response by its shape, not its name', () => {
    const dir = broken((d) => {
      for (const [i, f] of Object.values(LISTENERS).entries()) cpSync(join(d, f), join(d, `x${i}.json`));
      for (const f of Object.values(LISTENERS)) rmSync(join(d, f));
    });
    const again = foldImported(imported([dir]).text).described;
    expect(again).toEqual(described);
  });

  it('reads a file holding several responses (a JSON array)', () => {
    const dir = broken((d) => {
      writeFileSync(join(d, 'groups.json'), JSON.stringify(Object.values(GROUPS).map((f) => read(f, d))));
      for (const f of Object.values(GROUPS)) rmSync(join(d, f));
    });
    expect(foldImported(imported([dir]).text).described).toEqual(described);
  });
});

describe('slbsim import aliyun: what is missing or wrong', () => {
  it('names the Describe call that would give a referenced group', () => {
    const dir = broken((d) => rmSync(join(d, 'vsg-web.json')));
    expect(problems([dir])).toEqual([
      `${at(`DescribeVServerGroups-${LB1}.json`, 'VServerGroupId', 'rsp-bp1web8jdl3aw', dir)}: MissingDescribe DescribeVServerGroups lists rsp-bp1web8jdl3aw, but no DescribeVServerGroupAttribute for rsp-bp1web8jdl3aw was given`,
      `${at('https-443.json', 'VServerGroupId', 'rsp-bp1web8jdl3aw', dir)}: MissingDescribe listener ${LB1}:https:443 forwards to VServer group rsp-bp1web8jdl3aw, but no DescribeVServerGroupAttribute for rsp-bp1web8jdl3aw was given`,
      `${at('listener-80.json', 'VServerGroupId', 'rsp-bp1web8jdl3aw', dir)}: MissingDescribe listener ${LB1}:http:80 forwards to VServer group rsp-bp1web8jdl3aw, but no DescribeVServerGroupAttribute for rsp-bp1web8jdl3aw was given`,
    ]);
  });

  it('names the listener attribute a load balancer lists but was not given', () => {
    const dir = broken((d) => rmSync(join(d, 'udp-53.json')));
    expect(problems([dir])).toEqual([
      `${at(`${LB1}.json`, 'ListenerPort', 53, dir)}: MissingDescribe ${LB1} lists listener UDP:53, but no DescribeLoadBalancerUDPListenerAttribute for ${LB1} port 53 was given`,
    ]);
  });

  it('names a missing page of a paged call, and the ECS instances it would have listed', () => {
    const dir = broken((d) => rmSync(join(d, 'ecs-DescribeInstances-page2.json')));
    expect(problems([dir])).toEqual([
      `${at('ecs-DescribeInstances-page1.json', 'TotalCount', 13, dir)}: MissingPage ECS DescribeInstances says TotalCount 13, but the pages given hold 10: page 2 of 2 (PageSize 10) is missing — save them with --PageNumber 2 --PageSize 10`,
      `${at('vsg-edge.json', 'ServerId', 'i-bp1edge01f6s2', dir)}: MissingDescribe VServer group rsp-bp1edge9k2w4v holds ECS i-bp1edge01f6s2, but no ECS DescribeInstances response lists i-bp1edge01f6s2 (aliyun ecs DescribeInstances --InstanceIds '["i-bp1edge01f6s2"]')`,
      `${at('vsg-edge.json', 'ServerId', 'i-bp1edge02h1d8', dir)}: MissingDescribe VServer group rsp-bp1edge9k2w4v holds ECS i-bp1edge02h1d8, but no ECS DescribeInstances response lists i-bp1edge02h1d8 (aliyun ecs DescribeInstances --InstanceIds '["i-bp1edge02h1d8"]')`,
    ]);
  });

  it('names a load balancer DescribeLoadBalancers lists without its attribute', () => {
    const dir = broken((d) => {
      rmSync(join(d, `${LB2}.json`));
      rmSync(join(d, 'listener-80b.json'));
      rmSync(join(d, 'vsg-edge.json'));
    });
    expect(problems([dir])).toEqual([
      `${at('DescribeLoadBalancers.json', 'LoadBalancerId', LB2, dir)}: MissingDescribe DescribeLoadBalancers lists ${LB2}, but no DescribeLoadBalancerAttribute for ${LB2} was given`,
    ]);
  });

  it('reports bad JSON, unknown shapes and error responses at their place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-import-'));
    writeFileSync(join(dir, 'a.json'), '{\n  "LoadBalancerId": "lb-1",,\n}\n');
    writeFileSync(join(dir, 'b.json'), '{ "Foo": 1 }\n');
    writeFileSync(
      join(dir, 'c.json'),
      '{"RequestId":"X","HostId":"slb.aliyuncs.com","Code":"Forbidden.RAM","Message":"User not authorized to operate on the specified resource."}\n',
    );
    const found = problems([dir]);
    // The message is V8's own; the position is the second comma.
    expect(found[0]).toMatch(new RegExp(`^${dir}/a.json:2:28: JsonSyntax \\S`));
    expect(found.slice(1)).toEqual([
      `${dir}/b.json:1:1: UnknownShape not a response of a Describe call the import reads (DescribeLoadBalancers, DescribeLoadBalancerAttribute, DescribeVServerGroups, DescribeVServerGroupAttribute, DescribeMasterSlaveServerGroups, DescribeMasterSlaveServerGroupAttribute, DescribeLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute, DescribeRules, DescribeRuleAttribute, ECS DescribeInstances); its keys: Foo`,
      `${dir}/c.json:1:1: ErrorResponse this is an error response (Forbidden.RAM: User not authorized to operate on the specified resource.), not a Describe result`,
    ]);
    expect(problems(['no/such.json'])).toEqual([
      'no/such.json:1:1: FileNotFound no such file or directory: no/such.json',
    ]);
  });

  it('reports a value of the wrong kind, and a value CLB rejects with CLB’s code, at the input value', () => {
    const dir = broken((d) => {
      const web = read('vsg-web.json', d);
      web.BackendServers.BackendServer[1].Weight = '150';
      web.BackendServers.BackendServer[2].Port = 'eighty';
      writeFileSync(join(d, 'vsg-web.json'), JSON.stringify(web, null, 2));
    });
    expect(problems([dir])).toEqual([
      `${at('vsg-web.json', 'Port', 'eighty', dir)}: InvalidValue expected an integer, got "eighty"`,
    ]);
    const dir2 = broken((d) => {
      const web = read('vsg-web.json', d);
      web.BackendServers.BackendServer[1].Weight = '150';
      writeFileSync(join(d, 'vsg-web.json'), JSON.stringify(web, null, 2));
    });
    expect(problems([dir2])).toEqual([
      `${at('vsg-web.json', 'Weight', '150', dir2)}: InvalidWeight.Malformed CreateVServerGroup rejected: BackendServers[1].Weight must be between 0 and 100, got 150.`,
    ]);
  });

  it('asks for the load balancer id when a listener attribute could belong to two', () => {
    const dir = broken((d) => {
      const lb2 = read(`${LB2}.json`, d);
      lb2.ListenerPortsAndProtocol.ListenerPortAndProtocol.push({
        ListenerPort: 81,
        ListenerProtocol: 'http',
      });
      writeFileSync(join(d, `${LB2}.json`), JSON.stringify(lb2, null, 2));
      cpSync(join(d, 'DescribeLoadBalancerHTTPListenerAttribute-81.json'), join(d, 'listener-81.json'));
      rmSync(join(d, 'DescribeLoadBalancerHTTPListenerAttribute-81.json'));
    });
    expect(problems([dir])).toEqual([
      `${dir}/listener-81.json:1:1: AmbiguousListener DescribeLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute for port 81 names no LoadBalancerId, and ${LB1}, ${LB2} all have such a listener: put the load balancer id in the file name (e.g. ${LB1}.http-81.json)`,
    ]);
  });

  it('refuses two different snapshots of the same group', () => {
    const dir = broken((d) => {
      const web = read('vsg-web.json', d);
      web.VServerGroupName = 'web-old';
      writeFileSync(join(d, 'vsg-web-old.json'), JSON.stringify(web, null, 2));
    });
    expect(problems([dir])).toEqual([
      `${dir}/vsg-web.json:1:1: DuplicateDescribe VServer group rsp-bp1web8jdl3aw is described twice with different content (first at ${dir}/vsg-web-old.json:1); give one snapshot`,
    ]);
  });
});
