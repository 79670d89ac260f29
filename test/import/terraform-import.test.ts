import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { importAliyun } from '../../src/import/aliyun-import.js';
import { importTerraform } from '../../src/import/terraform-import.js';
import { regionOfZone } from '../../src/import/terraform-resources.js';
import type { Described } from '../../src/topology/describe.js';
import { foldImported } from './round-trip.js';

const SHOW = 'test/import/fixtures/terraform/show.json';
const RAW = 'test/import/fixtures/terraform/terraform.tfstate';
const LB1 = 'lb-bp1b6c719dfa08exfuca5';

// biome-ignore lint/suspicious/noExplicitAny: parsed fixture JSON, read as the API documents it.
type Json = Record<string, any>;

function imported(file: string, opts = {}) {
  const r = importTerraform(file, opts);
  if (!r.ok) expect.fail(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r;
}

/** Paths where two JSON values differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    differences((a as Json)[k], (b as Json)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`),
  );
}

/** The state file with `edit` applied to its parsed JSON, in a temp dir. */
function edited(file: string, edit: (state: Json) => void): string {
  const state = JSON.parse(readFileSync(file, 'utf8'));
  edit(state);
  const out = join(mkdtempSync(join(tmpdir(), 'slbsim-tf-')), file.split('/').pop() as string);
  writeFileSync(out, JSON.stringify(state, null, 2));
  return out;
}

/** `file:line:col` of the value of the first `"key": value` after `after` in `file`. */
function at(file: string, after: string, key: string, value: unknown): string {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(after);
  const needle = `"${key}": ${JSON.stringify(value)}`;
  const i = text.indexOf(needle, start);
  const before = text.slice(0, i + `"${key}": `.length).split('\n');
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}

function problems(file: string, opts = {}): string[] {
  const r = importTerraform(file, opts);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

describe('slbsim import terraform', () => {
  const show = imported(SHOW);
  const raw = imported(RAW);
  const fromShow = foldImported(show.text);

  it('reads `terraform show -json` (child modules included) and a raw v4 state the same way', () => {
    const calls = (r: typeof show) => r.plan.events.map((e) => ({ action: e.action, params: e.params }));
    expect(calls(raw)).toEqual(calls(show));
    expect(raw.plan.instances.map((c) => c.params)).toEqual(show.plan.instances.map((c) => c.params));
    expect(foldImported(raw.text).described).toEqual(fromShow.described);
  });

  it('gives the state the same deployment’s Describe* responses give, but for what a state does not record', () => {
    const aliyun = importAliyun(['test/import/fixtures/aliyun']);
    if (!aliyun.ok) expect.fail('the aliyun fixtures import');
    const fromApi = foldImported(aliyun.text);
    // tcp:3306 is stopped in the cloud; a state has no listener status and Terraform starts every listener.
    expect(differences(fromShow.described, fromApi.described)).toEqual([
      '.LoadBalancers[0].Listeners[3].Status',
    ]);
    expect((fromShow.described.LoadBalancers[0].Listeners as Described[])[3]).toMatchObject({
      ListenerProtocol: 'tcp',
      ListenerPort: 3306,
      Status: 'running',
    });
    expect(fromShow.instances).toEqual(fromApi.instances);
  });

  it('reads each attribute the model holds, under its API name', () => {
    const state = JSON.parse(readFileSync(SHOW, 'utf8'));
    const resources: Json[] = [
      ...state.values.root_module.resources,
      ...state.values.root_module.child_modules.flatMap((m: Json) => m.resources),
    ];
    const listeners = fromShow.described.LoadBalancers.flatMap((lb) =>
      (lb.Listeners as Described[]).map((l) => ({ lb: lb.LoadBalancerId, l })),
    );
    for (const r of resources.filter(
      (x) => x.type === 'alicloud_slb_listener' && x.values.listener_forward !== 'on',
    )) {
      const v = r.values;
      const found = listeners.find(
        (x) =>
          x.lb === v.load_balancer_id &&
          x.l.ListenerProtocol === v.protocol &&
          x.l.ListenerPort === v.frontend_port,
      );
      expect(found, r.address).toBeDefined();
      const l = found?.l as Described;
      expect(l.Scheduler, r.address).toBe(v.scheduler);
      expect(l.VServerGroupId, r.address).toBe(v.server_group_id || undefined);
      expect(l.BackendServerPort, r.address).toBe(v.backend_port || undefined);
      if (v.protocol === 'tcp' || v.protocol === 'udp')
        expect(l.PersistenceTimeout, r.address).toBe(v.persistence_timeout);
      else expect(l.StickySession, r.address).toBe(v.sticky_session);
    }
    const rule = ((listeners[0].l.Rules as Json).Rule as Described[])[1];
    expect(rule).toEqual({
      RuleId: 'rule-bp1static9m4',
      RuleName: 'static',
      Url: '/static',
      VServerGroupId: 'rsp-bp1static5g3n',
      ListenerSync: 'off',
      Scheduler: 'rr',
      StickySession: 'off',
      StickySessionType: 'insert',
      CookieTimeout: 56,
      Cookie: '23',
      HealthCheck: 'on',
      HealthCheckDomain: 'www.domain.com',
      HealthCheckURI: '/static/health',
      HealthCheckConnectPort: 8000,
      HealthCheckInterval: 5,
      HealthCheckTimeout: 34,
      HealthyThreshold: 5,
      UnhealthyThreshold: 2,
      HealthCheckHttpCode: 'http_3xx',
    });
  });

  it('says where each piece came from and what it derived', () => {
    expect(show.text).toContain(
      `  # module.edge.alicloud_slb_listener.tcp_80 (lb-bp1o94dp5i6earr9g6d1l:tcp:80) — ${SHOW}:`,
    );
    expect(raw.text).toContain(
      `  # alicloud_slb_server_group_server_attachment.web_1_8080 i-bp1web01a7x3k — ${RAW}:`,
    );
    expect(show.notices).toContain(
      "region cn-hangzhou derived from zones cn-hangzhou-h, cn-hangzhou-i (a state does not record the provider's region; --region sets it)",
    );
    expect(show.notices).toContain(
      "a state does not record a listener's status; Terraform starts every listener it creates: 6 listeners imported as running",
    );
    expect(show.notices).toContain(
      'resources the import does not read: alicloud_vpc, alicloud_security_group, data.alicloud_zones',
    );
    expect(show.notices).toContain(
      `alicloud_slb_listener.redirect_8080 (${LB1}:http:8080) redirects to port 443 (listener_forward on): redirect listeners are not modelled; left out`,
    );
  });

  it('takes the region from --region when given', () => {
    const r = imported(SHOW, { region: 'cn-shanghai' });
    expect(r.notices.some((n) => n.startsWith('region '))).toBe(false);
    expect(r.state.LoadBalancers.map((lb) => lb.RegionId)).toEqual(['cn-shanghai', 'cn-shanghai']);
    expect(regionOfZone('cn-hangzhou-h')).toBe('cn-hangzhou');
    expect(regionOfZone('ap-southeast-1a')).toBe('ap-southeast-1');
    expect(regionOfZone('cn-shanghai-finance-1z')).toBe('cn-shanghai-finance-1');
  });

  it('names the resource a reference needs when the state does not hold it', () => {
    const file = edited(SHOW, (s) => {
      s.values.root_module.resources = s.values.root_module.resources.filter(
        (r: Json) => r.address !== 'alicloud_slb_server_group.web',
      );
    });
    expect(problems(file)).toEqual([
      `${at(file, '"address": "alicloud_slb_server_group_server_attachment.web_1_8080"', 'server_group_id', 'rsp-bp1web8jdl3aw')}: MissingResource alicloud_slb_server_group_server_attachment.web_1_8080 attaches to VServer group rsp-bp1web8jdl3aw, but the state holds no alicloud_slb_server_group with id rsp-bp1web8jdl3aw`,
      `${at(file, '"address": "alicloud_slb_server_group_server_attachment.web_1_8081"', 'server_group_id', 'rsp-bp1web8jdl3aw')}: MissingResource alicloud_slb_server_group_server_attachment.web_1_8081 attaches to VServer group rsp-bp1web8jdl3aw, but the state holds no alicloud_slb_server_group with id rsp-bp1web8jdl3aw`,
      `${at(file, '"address": "alicloud_slb_server_group_server_attachment.web_2_8080"', 'server_group_id', 'rsp-bp1web8jdl3aw')}: MissingResource alicloud_slb_server_group_server_attachment.web_2_8080 attaches to VServer group rsp-bp1web8jdl3aw, but the state holds no alicloud_slb_server_group with id rsp-bp1web8jdl3aw`,
      `${at(file, '"address": "alicloud_slb_listener.http_80"', 'server_group_id', 'rsp-bp1web8jdl3aw')}: MissingResource alicloud_slb_listener.http_80 (${LB1}:http:80) forwards to VServer group rsp-bp1web8jdl3aw, but the state holds no alicloud_slb_server_group with id rsp-bp1web8jdl3aw`,
      `${at(file, '"address": "alicloud_slb_listener.https_443"', 'server_group_id', 'rsp-bp1web8jdl3aw')}: MissingResource alicloud_slb_listener.https_443 (${LB1}:https:443) forwards to VServer group rsp-bp1web8jdl3aw, but the state holds no alicloud_slb_server_group with id rsp-bp1web8jdl3aw`,
    ]);
  });

  it('needs the vswitch of a load balancer to know its VPC', () => {
    const file = edited(RAW, (s) => {
      s.resources = s.resources.filter((r: Json) => r.type !== 'alicloud_vswitch');
    });
    const found = problems(file);
    expect(found.every((p) => p.includes(': MissingResource '))).toBe(true);
    expect(found).toContain(
      `${at(file, `"id": "${LB1}"`, 'vswitch_id', 'vsw-bp12mw1f8k3jgygk9bmlj')}: MissingResource alicloud_slb_load_balancer.web (${LB1}) is in vswitch vsw-bp12mw1f8k3jgygk9bmlj, but the state holds no alicloud_vswitch vsw-bp12mw1f8k3jgygk9bmlj (nor a data.alicloud_vswitches listing it): its VPC is unknown`,
    );
  });

  it('refuses what is not a state it reads, at its place', () => {
    const v3 = edited(RAW, (s) => {
      s.version = 3;
    });
    expect(problems(v3)).toEqual([
      `${v3}:2:14: UnsupportedState Terraform state version 3 is not supported: import the output of \`terraform show -json\` (any Terraform ≥ 0.12) or a version-4 state`,
    ]);
    const plan = edited(SHOW, (s) => {
      s.planned_values = s.values;
    });
    expect(problems(plan)).toEqual([
      `${plan}:1:1: UnsupportedState this is a plan (terraform show -json <planfile>), not a state: import \`terraform show -json\` of the state`,
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-tf-'));
    writeFileSync(join(dir, 'bad.tfstate'), '{\n  "version": 4,\n  "resources": [\n');
    expect(problems(join(dir, 'bad.tfstate'))[0]).toMatch(/bad\.tfstate:3:\d+: JsonSyntax /);
  });
});
