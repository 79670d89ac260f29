/**
 * `slbsim import terraform`: the `aliyun/alicloud` resources of a Terraform state → the topology
 * they describe. Resources are joined by the ids in their attributes (a listener's
 * `load_balancer_id` and `server_group_id`, a rule's `load_balancer_id` + `frontend_port`, an
 * attachment's `server_group_id`, …); a referenced id with no resource in the state is an error
 * naming the resource type that would give it.
 *
 * What a state does not record is derived and said in a notice: the region (from the zone, or
 * `--region`), a load balancer's or an instance's VPC (from its `alicloud_vswitch`), a listener's
 * status (Terraform starts every listener it creates).
 */
import { layerOf } from '../topology/types.js';
import { intValue, requiredText, setInt, setText, switchValue, textValue } from './field-values.js';
import { ImportLog } from './import-log.js';
import { finishImport, type ImportResult } from './import-result.js';
import {
  type ImportedEntry,
  type ImportedGroup,
  type ImportedInstance,
  type ImportedListener,
  type ImportedLoadBalancer,
  type ImportedTopology,
  ParamSet,
} from './imported-topology.js';
import { isEmpty, JsonNode, readJsonFile } from './json-input.js';
import {
  blocks,
  DATA_READ,
  hasValue,
  listenerParams,
  PROTOCOLS,
  READ,
  readEntry,
  readInstance,
  readLoadBalancer,
  readRule,
  type TfContext,
} from './terraform-resources.js';
import { stateResources, type TfResource } from './terraform-state.js';

export interface TerraformImportOptions {
  /** The provider's region (a state does not record it); default: derived from zones. */
  readonly region?: string;
  /** Keep every ECS instance of the state, not only those some group names. */
  readonly allInstances?: boolean;
  readonly name?: string;
}

export function readTerraform(
  file: string,
  opts: TerraformImportOptions = {},
): { topology?: ImportedTopology; log: ImportLog } {
  const log = new ImportLog();
  const { json, diagnostics } = readJsonFile(file);
  log.diagnostics.push(...diagnostics);
  if (!json) return { log };
  const state = stateResources(JsonNode.root(json), log);
  if (!state) return { log };
  const ctx: TfContext = { log, region: opts.region, vswitches: new Map(), derivedRegions: new Map() };
  const byType = new Map<string, TfResource[]>();
  const skipped = new Map<string, number>();
  for (const r of state.resources) {
    const known = r.mode === 'managed' ? READ[r.type] : DATA_READ[r.type];
    if (!known) {
      const label = `${r.mode === 'data' ? 'data.' : ''}${r.type}`;
      skipped.set(label, (skipped.get(label) ?? 0) + 1);
      continue;
    }
    for (const k of r.attributes.keys())
      if (!known.includes(k) && hasValue(r.attributes.at(k).value))
        log.ignore(`${r.mode === 'data' ? 'data.' : ''}${r.type}`, k);
    const key = `${r.mode}:${r.type === 'alicloud_slb' ? 'alicloud_slb_load_balancer' : r.type}`;
    byType.set(key, [...(byType.get(key) ?? []), r]);
  }
  if (skipped.size > 0)
    log.notice(
      `resources the import does not read: ${[...skipped].map(([t, n]) => (n > 1 ? `${t} (${n})` : t)).join(', ')}`,
    );
  const of = (key: string) => byType.get(key) ?? [];

  for (const r of of('managed:alicloud_vswitch')) {
    const id = textValue(r.attributes.at('id'), log);
    if (id !== undefined)
      ctx.vswitches.set(id, {
        vpc: textValue(r.attributes.at('vpc_id'), log),
        zone:
          textValue(r.attributes.at('zone_id'), log) ?? textValue(r.attributes.at('availability_zone'), log),
      });
  }
  for (const r of of('data:alicloud_vswitches'))
    for (const v of blocks(r.attributes.at('vswitches'))) {
      const id = textValue(v.at('id'), log);
      if (id !== undefined && !ctx.vswitches.has(id))
        ctx.vswitches.set(id, { vpc: textValue(v.at('vpc_id'), log), zone: textValue(v.at('zone_id'), log) });
    }

  // Load balancers.
  const lbs = new Map<string, ImportedLoadBalancer>();
  const usedAddresses = new Set<string>();
  for (const r of of('managed:alicloud_slb_load_balancer')) {
    const lb = readLoadBalancer(ctx, r, usedAddresses);
    if (lb) lbs.set(lb.id, lb);
  }
  const lbOf = (a: JsonNode, subject: string): ImportedLoadBalancer | undefined => {
    const id = requiredText(a.at('load_balancer_id'), log, 'load_balancer_id');
    if (id === undefined) return undefined;
    const lb = lbs.get(id);
    if (!lb)
      log.error(
        a.at('load_balancer_id'),
        'MissingResource',
        `${subject} belongs to load balancer ${id}, but the state holds no alicloud_slb_load_balancer with id ${id}`,
      );
    return lb;
  };

  // The default server group.
  for (const r of of('managed:alicloud_slb_backend_server')) {
    const lb = lbOf(r.attributes, r.address);
    if (!lb) continue;
    for (const b of blocks(r.attributes.at('backend_servers')))
      lb.defaultServers.push(readEntry(log, b, `${r.address}`, { server: b.at('server_id') }));
    lb.defaultOrigin ??= { node: r.attributes, what: r.address };
  }
  for (const r of of('managed:alicloud_slb_attachment')) {
    const a = r.attributes;
    const lb = lbOf(a, r.address);
    if (!lb) continue;
    for (const idNode of a.at('instance_ids').items()) {
      const p = new ParamSet();
      p.set('ServerId', textValue(idNode, log), idNode);
      setInt(p, 'Weight', a.at('weight'), log, false);
      p.set('Type', textValue(a.at('server_type'), log)?.toLowerCase(), a.at('server_type'));
      lb.defaultServers.push({
        origin: { node: idNode, what: `${r.address} ${String(idNode.value)}` },
        params: p,
      });
    }
    lb.defaultOrigin ??= { node: a, what: r.address };
  }

  // VServer groups, their attachments, primary/secondary groups.
  const vsgs = new Map<string, ImportedGroup>();
  for (const r of of('managed:alicloud_slb_server_group')) {
    const a = r.attributes;
    const lb = lbOf(a, r.address);
    const id = requiredText(a.at('id'), log, 'id');
    if (!lb || id === undefined) continue;
    const p = new ParamSet();
    setText(
      p,
      'VServerGroupName',
      isEmpty(a.at('name').value) ? a.at('server_group_name') : a.at('name'),
      log,
    );
    const entries: ImportedEntry[] = [];
    for (const s of blocks(a.at('servers')))
      for (const idNode of s.at('server_ids').items())
        entries.push(readEntry(log, s, r.address, { server: idNode, port: s.at('port') }));
    const g: ImportedGroup = { origin: { node: a, what: `${r.address} (${id})` }, id, params: p, entries };
    vsgs.set(id, g);
    lb.vServerGroups.push(g);
  }
  for (const r of of('managed:alicloud_slb_server_group_server_attachment')) {
    const a = r.attributes;
    const gid = requiredText(a.at('server_group_id'), log, 'server_group_id');
    if (gid === undefined) continue;
    const g = vsgs.get(gid);
    if (!g) {
      log.error(
        a.at('server_group_id'),
        'MissingResource',
        `${r.address} attaches to VServer group ${gid}, but the state holds no alicloud_slb_server_group with id ${gid}`,
      );
      continue;
    }
    const e = readEntry(log, a, r.address, { server: a.at('server_id'), port: a.at('port') });
    const same = g.entries.findIndex(
      (x) =>
        x.params.get('ServerId') === e.params.get('ServerId') &&
        x.params.get('Port') === e.params.get('Port'),
    );
    if (same < 0) g.entries.push(e);
    else {
      if (g.entries[same].params.get('Weight') !== e.params.get('Weight'))
        log.notice(
          `${r.address}: ${String(e.params.get('ServerId'))}:${String(e.params.get('Port'))} is also in the servers of ${g.origin.what} with another weight; the attachment's is used`,
        );
      g.entries[same] = e;
    }
  }
  const msgs = new Map<string, ImportedGroup>();
  for (const r of of('managed:alicloud_slb_master_slave_server_group')) {
    const a = r.attributes;
    const lb = lbOf(a, r.address);
    const id = requiredText(a.at('id'), log, 'id');
    if (!lb || id === undefined) continue;
    const p = new ParamSet();
    setText(p, 'MasterSlaveServerGroupName', a.at('name'), log);
    const entries = blocks(a.at('servers')).map((s) =>
      readEntry(log, s, r.address, {
        server: s.at('server_id'),
        port: s.at('port'),
        serverType: s.at('server_type'),
      }),
    );
    const g: ImportedGroup = { origin: { node: a, what: `${r.address} (${id})` }, id, params: p, entries };
    msgs.set(id, g);
    lb.masterSlaveGroups.push(g);
  }

  // Listeners and rules.
  let started = 0;
  for (const r of of('managed:alicloud_slb_listener')) {
    const a = r.attributes;
    const lb = lbOf(a, r.address);
    if (!lb) continue;
    const protoNode = isEmpty(a.at('protocol').value) ? a.at('lb_protocol') : a.at('protocol');
    const proto = textValue(protoNode, log)?.toLowerCase();
    const protocol = PROTOCOLS.find((x) => x === proto);
    const portNode = isEmpty(a.at('frontend_port').value) ? a.at('lb_port') : a.at('frontend_port');
    const port = intValue(portNode, log);
    if (protocol === undefined) {
      log.error(
        protoNode,
        'InvalidValue',
        `expected a protocol http, https, tcp or udp, got ${JSON.stringify(proto)}`,
      );
      continue;
    }
    if (port === undefined) {
      log.error(portNode, 'InvalidValue', 'frontend_port is missing');
      continue;
    }
    const key = `${lb.id}:${protocol}:${port}`;
    if (switchValue(a.at('listener_forward'), log) === 'on') {
      log.notice(
        `${r.address} (${key}) redirects to port ${String(a.at('forward_port').value ?? '?')} (listener_forward on): redirect listeners are not modelled; left out`,
      );
      continue;
    }
    const params = listenerParams(a, protocol, log, key);
    params.set('ListenerPort', port, portNode);
    for (const [k, kind, groups] of [
      ['VServerGroupId', 'alicloud_slb_server_group', vsgs],
      ['MasterSlaveServerGroupId', 'alicloud_slb_master_slave_server_group', msgs],
    ] as const) {
      const g = params.get(k);
      if (typeof g === 'string' && !groups.has(g))
        log.error(
          params.nodes[k],
          'MissingResource',
          `${r.address} (${key}) forwards to ${k === 'VServerGroupId' ? 'VServer group' : 'primary/secondary server group'} ${g}, but the state holds no ${kind} with id ${g}`,
        );
    }
    const l: ImportedListener = {
      origin: { node: a, what: `${r.address} (${key})` },
      protocol,
      port,
      params,
      running: true,
      rules: [],
    };
    started++;
    lb.listeners.push(l);
  }
  if (started > 0)
    log.notice(
      `a state does not record a listener's status; Terraform starts every listener it creates: ${started} listener${started === 1 ? '' : 's'} imported as running`,
    );
  for (const r of of('managed:alicloud_slb_rule')) {
    const a = r.attributes;
    const lb = lbOf(a, r.address);
    const id = requiredText(a.at('id'), log, 'id');
    const port = intValue(a.at('frontend_port'), log);
    if (!lb || id === undefined || port === undefined) continue;
    const l = lb.listeners.find((x) => x.port === port && layerOf(x.protocol) === 7);
    if (!l) {
      log.error(
        a.at('frontend_port'),
        'MissingResource',
        `${r.address} (${id}) belongs to ${lb.id} port ${port}, but the state holds no HTTP or HTTPS alicloud_slb_listener for ${lb.id} port ${port}`,
      );
      continue;
    }
    const p = readRule(log, a, id);
    const g = p.get('VServerGroupId');
    if (typeof g === 'string' && !vsgs.has(g))
      log.error(
        p.nodes.VServerGroupId,
        'MissingResource',
        `${r.address} (${id}) forwards to VServer group ${g}, but the state holds no alicloud_slb_server_group with id ${g}`,
      );
    l.rules.push({ origin: { node: a, what: `${r.address} (${id})` }, params: p });
  }

  // The inventory.
  const lbList = [...lbs.values()];
  const used = new Set<string>();
  const entriesOf = (lb: ImportedLoadBalancer) => [
    ...lb.defaultServers,
    ...lb.vServerGroups.flatMap((g) => g.entries),
    ...lb.masterSlaveGroups.flatMap((g) => g.entries),
  ];
  for (const lb of lbList) for (const e of entriesOf(lb)) used.add(String(e.params.get('ServerId')));
  const candidates: { id: string; read: () => ImportedInstance | undefined; node: JsonNode }[] = [];
  for (const r of of('managed:alicloud_instance'))
    candidates.push({
      id: String(r.attributes.at('id').value),
      node: r.attributes,
      read: () =>
        readInstance(ctx, r.attributes, r.address, {
          id: 'id',
          name: 'instance_name',
          zone: 'availability_zone',
          vswitch: isEmpty(r.attributes.at('vswitch_id').value) ? 'subnet_id' : 'vswitch_id',
          ip: 'private_ip',
        }),
    });
  for (const r of of('data:alicloud_instances'))
    for (const i of blocks(r.attributes.at('instances')))
      candidates.push({
        id: String(i.at('id').value),
        node: i,
        read: () =>
          readInstance(ctx, i, `${r.address}.instances`, {
            id: 'id',
            name: 'name',
            zone: 'availability_zone',
            vswitch: 'vswitch_id',
            vpc: 'vpc_id',
            region: 'region_id',
            ip: 'private_ip',
          }),
      });
  const instances: ImportedInstance[] = [];
  const seen = new Set<string>();
  let left = 0;
  for (const c of candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    if (!opts.allInstances && !used.has(c.id)) {
      left++;
      continue;
    }
    const inst = c.read();
    if (inst) instances.push(inst);
  }
  if (left > 0)
    log.notice(
      `${left} ECS instance${left === 1 ? '' : 's'} no group names left out of the inventory (--all-instances keeps them)`,
    );
  for (const lb of lbList)
    for (const e of entriesOf(lb)) {
      const id = e.params.get('ServerId');
      if (typeof id === 'string' && (e.params.get('Type') ?? 'ecs') === 'ecs' && !seen.has(id)) {
        seen.add(id);
        log.error(
          e.params.nodes.ServerId,
          'MissingResource',
          `${e.origin.what.replace(/ \S+$/, '')} holds ECS ${id}, but the state holds no alicloud_instance (nor a data.alicloud_instances listing it) with id ${id}`,
        );
      }
    }
  for (const [region, zones] of ctx.derivedRegions)
    log.notice(
      `region ${region} derived from zone${zones.size > 1 ? 's' : ''} ${[...zones].join(', ')} (a state does not record the provider's region; --region sets it)`,
    );
  if (lbList.length === 0 && !log.failed)
    log.error(JsonNode.root(json), 'MissingResource', 'the state holds no alicloud_slb_load_balancer');
  if (log.failed) return { log };
  return { topology: { instances, loadBalancers: lbList }, log };
}

/** Import a Terraform state (`terraform show -json` output or a raw v4 state file) into a scenario. */
export function importTerraform(file: string, opts: TerraformImportOptions = {}): ImportResult {
  const { topology, log } = readTerraform(file, opts);
  return finishImport(topology, log, {
    source: 'terraform',
    inputs: [file],
    name: opts.name ?? 'imported',
    description: `The CLB topology of the Terraform state ${file}, as OpenAPI events.`,
  });
}
