/**
 * `slbsim import aliyun`: saved Describe* responses (raw OpenAPI JSON or the `aliyun` CLI's
 * output, one call per file or many, pages included) → the topology they show.
 *
 * How the pieces are joined (the responses do not always say):
 * - A VServer group, a primary/secondary group and a rule attribute name their load balancer.
 * - A listener attribute names neither its load balancer nor (for HTTP vs HTTPS) always its
 *   protocol: its load balancer is the one whose DescribeLoadBalancerAttribute lists a listener on
 *   that port with a matching protocol (or the one whose id the file's path contains); its protocol
 *   comes from its shape, the file name or that list.
 * - A DescribeRules response holds the rules of one listener: the one whose attribute lists any of
 *   them, or the one its file path names (load balancer id and port).
 * Whatever is referenced but not given is an error naming the Describe call that would give it.
 * Fields the model does not hold are listed once per call as a notice.
 */
import { SourceMap } from '../scenario/source.js';
import { type ListenerProtocol, layerOf } from '../topology/types.js';
import {
  type DescribeKind,
  type DescribeResponse,
  listenerCall,
  protocolInName,
  responsesIn,
  unwrap,
} from './aliyun-files.js';
import {
  HANDLED_L4,
  HANDLED_L7,
  type ListedListener,
  type LoadBalancerRecord,
  listenerStatus,
  noteIgnored,
  readGroup,
  readInstance,
  readListenerSettings,
  readLoadBalancer,
  readRuleParams,
} from './aliyun-records.js';
import { referencedInstances } from './event-plan.js';
import { intValue, setDescription, switchValue, textValue } from './field-values.js';
import { ImportLog } from './import-log.js';
import { finishImport, type ImportResult } from './import-result.js';
import {
  type ImportedInstance,
  type ImportedListener,
  type ImportedLoadBalancer,
  type ImportedRule,
  type ImportedTopology,
  ParamSet,
} from './imported-topology.js';
import { expandInputs, JsonNode, readJsonFile } from './json-input.js';

export interface AliyunImportOptions {
  /** Keep every ECS instance DescribeInstances lists, not only those some group names. */
  readonly allInstances?: boolean;
  /** Scenario name (default `imported`). */
  readonly name?: string;
}

function sameContent(a: JsonNode, b: JsonNode): boolean {
  const strip = (v: unknown) => JSON.stringify(v, (k, x) => (k === 'RequestId' ? undefined : x));
  return strip(a.value) === strip(b.value);
}

/** The set of records of one kind, by id: the same record twice is fine, two different ones are not. */
class ById {
  readonly map = new Map<string, JsonNode>();
  constructor(
    private readonly log: ImportLog,
    private readonly what: string,
  ) {}
  add(id: string, node: JsonNode): void {
    const seen = this.map.get(id);
    if (seen === undefined) this.map.set(id, node);
    else if (!sameContent(seen, node))
      this.log.error(
        node,
        'DuplicateDescribe',
        `${this.what} ${id} is described twice with different content (first at ${seen.where()}); give one snapshot`,
      );
  }
  get(id: string): JsonNode | undefined {
    return this.map.get(id);
  }
  has(id: string): boolean {
    return this.map.has(id);
  }
}

// ---- the whole import ---------------------------------------------------------------------------

interface Responses {
  readonly byKind: Map<DescribeKind, DescribeResponse[]>;
  readonly inputs: string[];
}

function readResponses(paths: readonly string[], log: ImportLog): Responses {
  const byKind = new Map<DescribeKind, DescribeResponse[]>();
  const { files, diagnostics } = expandInputs(paths);
  log.diagnostics.push(...diagnostics);
  for (const file of files) {
    const { json, diagnostics: ds } = readJsonFile(file);
    log.diagnostics.push(...ds);
    if (!json) continue;
    for (const r of responsesIn(JsonNode.root(json), log))
      byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  }
  return { byKind, inputs: files };
}

/** Pages of a paged Describe call: the items of every response that says TotalCount must add up. */
function checkPages(
  responses: readonly DescribeResponse[],
  listKey: string,
  inner: string,
  idKey: string,
  call: string,
  log: ImportLog,
): void {
  const groups = new Map<number, DescribeResponse[]>();
  for (const r of responses) {
    const total = intValue(r.node.at('TotalCount'), log);
    if (total === undefined) continue;
    groups.set(total, [...(groups.get(total) ?? []), r]);
  }
  for (const [total, rs] of groups) {
    const ids = new Set<string>();
    for (const r of rs)
      for (const item of unwrap(r.node.at(listKey), inner, log)) ids.add(String(item.at(idKey).value));
    if (ids.size >= total) continue;
    const size = intValue(rs[0].node.at('PageSize'), log);
    const pages = rs
      .map((r) => intValue(r.node.at('PageNumber'), log))
      .filter((n): n is number => n !== undefined);
    let hint = '';
    if (size !== undefined && size > 0) {
      const need = Math.ceil(total / size);
      const missing: number[] = [];
      for (let k = 1; k <= need; k++) if (!pages.includes(k)) missing.push(k);
      if (missing.length > 0)
        hint = `: page${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${need} (PageSize ${size}) ${missing.length > 1 ? 'are' : 'is'} missing — save them with --PageNumber ${missing[0]} --PageSize ${size}`;
    }
    log.error(
      rs[0].node.at('TotalCount'),
      'MissingPage',
      `${call} says TotalCount ${total}, but the pages given hold ${ids.size}${hint}`,
    );
  }
}

/** The ids in `ids` that `file` names (an id inside a longer named id does not count). */
function pathNames(file: string, ids: Iterable<string>): string[] {
  const found = [...ids].filter((id) => file.includes(id));
  return found.filter((id) => !found.some((other) => other !== id && other.includes(id)));
}

type ListenerIndex = Map<string, { info: LoadBalancerRecord; listener: ImportedListener; node: JsonNode }>;

/** The join: each step reads one kind of response and attaches it where it belongs. */
class Assembly {
  readonly ecs: ById;
  readonly lbs = new Map<string, LoadBalancerRecord>();
  readonly vsgs: ById;
  readonly msgs: ById;
  readonly listeners: ListenerIndex = new Map();
  /** Ports of listener attributes that could not be placed (already reported). */
  private readonly unplaced = new Set<number>();

  constructor(
    readonly log: ImportLog,
    private readonly byKind: ReadonlyMap<DescribeKind, DescribeResponse[]>,
  ) {
    this.ecs = new ById(log, 'ECS instance');
    this.vsgs = new ById(log, 'VServer group');
    this.msgs = new ById(log, 'primary/secondary server group');
  }

  of(kind: DescribeKind): DescribeResponse[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The responses of a paged call in page order (file names need not sort as pages do). */
  pages(kind: DescribeKind): DescribeResponse[] {
    const page = (r: DescribeResponse) => {
      const n = r.node.at('PageNumber').value;
      return typeof n === 'number' ? n : typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : 0;
    };
    return this.of(kind)
      .map((r, i) => ({ r, i }))
      .sort((a, b) => page(a.r) - page(b.r) || a.i - b.i)
      .map((x) => x.r);
  }

  /** ECS DescribeInstances, every page. */
  inventory(): void {
    const { log } = this;
    for (const r of this.pages('DescribeInstances'))
      for (const item of unwrap(r.node.at('Instances'), 'Instance', log)) {
        const id = textValue(item.at('InstanceId'), log);
        if (id === undefined) log.error(item, 'InvalidValue', 'InstanceId is missing');
        else this.ecs.add(id, item);
      }
    checkPages(
      this.of('DescribeInstances'),
      'Instances',
      'Instance',
      'InstanceId',
      'ECS DescribeInstances',
      log,
    );
  }

  /** The attribute of each load balancer, in the order DescribeLoadBalancers lists them. */
  loadBalancers(): void {
    const { log } = this;
    const attrs = new ById(log, 'load balancer');
    for (const r of this.of('DescribeLoadBalancerAttribute')) {
      const id = textValue(r.node.at('LoadBalancerId'), log);
      if (id !== undefined) attrs.add(id, r.node);
    }
    const order: string[] = [];
    for (const r of this.pages('DescribeLoadBalancers'))
      for (const item of unwrap(r.node.at('LoadBalancers'), 'LoadBalancer', log)) {
        const id = textValue(item.at('LoadBalancerId'), log);
        if (id === undefined) continue;
        if (!order.includes(id)) order.push(id);
        if (!attrs.has(id))
          log.error(
            item.at('LoadBalancerId'),
            'MissingDescribe',
            `DescribeLoadBalancers lists ${id}, but no DescribeLoadBalancerAttribute for ${id} was given`,
          );
      }
    checkPages(
      this.of('DescribeLoadBalancers'),
      'LoadBalancers',
      'LoadBalancer',
      'LoadBalancerId',
      'DescribeLoadBalancers',
      log,
    );
    for (const id of attrs.map.keys()) if (!order.includes(id)) order.push(id);
    const usedAddresses = new Set<string>();
    for (const id of order) {
      const node = attrs.get(id);
      const info = node && readLoadBalancer(node, log, usedAddresses);
      if (info) this.lbs.set(id, info);
    }
  }

  /** Group attributes (they name their load balancer), in the order the group lists give; every listed group must be given. */
  groups(): void {
    const { log } = this;
    const order = new Map<string, number>();
    for (const [kind, outer, inner, idKey, attrCall] of GROUP_LISTS)
      for (const r of this.of(kind))
        for (const item of unwrap(r.node.at(outer), inner, log)) {
          const id = textValue(item.at(idKey), log);
          if (id === undefined) continue;
          if (!order.has(id)) order.set(id, order.size);
          if (!this.of(attrCall).some((a) => a.node.at(idKey).value === id))
            log.error(
              item.at(idKey),
              'MissingDescribe',
              `${kind} lists ${id}, but no ${attrCall} for ${id} was given`,
            );
        }
    for (const r of this.of('DescribeVServerGroupAttribute')) {
      const id = textValue(r.node.at('VServerGroupId'), log);
      if (id !== undefined) this.vsgs.add(id, r.node);
    }
    for (const r of this.of('DescribeMasterSlaveServerGroupAttribute')) {
      const id = textValue(r.node.at('MasterSlaveServerGroupId'), log);
      if (id !== undefined) this.msgs.add(id, r.node);
    }
    const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
    for (const [set, kind] of [
      [this.vsgs, 'vserver'],
      [this.msgs, 'master-slave'],
    ] as const)
      for (const [, node] of [...set.map].sort((a, b) => rank(a[0]) - rank(b[0]))) {
        const read = readGroup(node, kind, log);
        if (!read) continue;
        const info = this.lbs.get(read.lbId);
        if (!info) {
          log.error(
            node.at('LoadBalancerId'),
            'MissingDescribe',
            `${read.group.origin.what} belongs to ${read.lbId}, but no DescribeLoadBalancerAttribute for ${read.lbId} was given`,
          );
          continue;
        }
        (kind === 'vserver' ? info.lb.vServerGroups : info.lb.masterSlaveGroups).push(read.group);
      }
  }

  /** Listener attributes: each one's load balancer and protocol, then its settings. */
  listenerAttributes(): void {
    const { log } = this;
    for (const r of this.of('DescribeLoadBalancerListenerAttribute')) {
      const node = r.node;
      const port = intValue(node.at('ListenerPort'), log);
      if (port === undefined) continue;
      const placed = placeListener(r, port, this.lbs, log);
      if (!placed) {
        this.unplaced.add(port);
        continue;
      }
      const { info, protocol } = placed;
      const key = `${info.lb.id}:${protocol}:${port}`;
      const seen = this.listeners.get(key);
      if (seen) {
        if (!sameContent(seen.node, node))
          log.error(
            node,
            'DuplicateDescribe',
            `listener ${key} is described twice with different content (first at ${seen.node.where()})`,
          );
        continue;
      }
      const call = listenerCall(protocol);
      noteIgnored(log, call, node, layerOf(protocol) === 7 ? HANDLED_L7 : HANDLED_L4);
      if (switchValue(node.at('ListenerForward'), log) === 'on') {
        log.notice(
          `${key} redirects to port ${String(node.at('ForwardPort').value ?? '?')} (ListenerForward on, ${node.where()}): redirect listeners are not modelled; left out`,
        );
        continue;
      }
      const params = new ParamSet().set('ListenerPort', port, node.at('ListenerPort'));
      readListenerSettings(params, node, protocol, log, key);
      const listed = info.listed?.find((l) => l.port === port && (l.protocol ?? protocol) === protocol);
      if (node.has('Description')) setDescription(params, node.at('Description'), log, key);
      else if (listed?.description) setDescription(params, listed.description, log, key);
      const listener: ImportedListener = {
        origin: { node, what: `${call} ${key}` },
        protocol,
        port,
        params,
        running: listenerStatus(node.at('Status'), log, key),
        rules: [],
      };
      this.listeners.set(key, { info, listener, node });
    }
  }

  /** Each load balancer's listeners in the order its attribute lists them; every listed one must be given. */
  listenerOrder(): void {
    const { log } = this;
    const redirects = this.of('DescribeLoadBalancerListenerAttribute').filter(
      (r) => switchValue(r.node.at('ListenerForward'), log) === 'on',
    );
    for (const info of this.lbs.values()) {
      const own = [...this.listeners.values()].filter((x) => x.info === info).map((x) => x.listener);
      const ordered: ImportedListener[] = [];
      for (const l of info.listed ?? []) {
        const found = own.find(
          (x) => x.port === l.port && (l.protocol === undefined || x.protocol === l.protocol),
        );
        if (found) {
          if (!ordered.includes(found)) ordered.push(found);
          continue;
        }
        if (redirects.some((r) => intValue(r.node.at('ListenerPort'), log) === l.port)) continue;
        if (this.unplaced.has(l.port)) continue;
        if (l.forward) {
          log.notice(
            `${info.lb.id}:${l.protocol}:${l.port} is a redirect listener (ListenerForward on, ${l.node.where()}): not modelled; left out`,
          );
          continue;
        }
        log.error(
          l.node.at('ListenerPort'),
          'MissingDescribe',
          `${info.lb.id} lists listener ${l.protocol?.toUpperCase() ?? ''}:${l.port}, but no ${listenerCall(l.protocol)} for ${info.lb.id} port ${l.port} was given`,
        );
      }
      for (const l of own)
        if (!ordered.includes(l)) {
          if (info.listed !== undefined)
            log.notice(
              `${info.lb.id}:${l.protocol}:${l.port} is not in ${info.lb.id}'s ListenerPortsAndProtocol (${l.origin.node.where()}); imported anyway`,
            );
          ordered.push(l);
        }
      info.lb.listeners.push(...ordered);
    }
  }

  /** Every group a listener or rule names, every ECS a group names, must have been given. */
  references(): void {
    const { log } = this;
    for (const { info, listener } of this.listeners.values()) {
      const key = `${info.lb.id}:${listener.protocol}:${listener.port}`;
      const vsg = listener.params.get('VServerGroupId');
      if (typeof vsg === 'string' && !this.vsgs.has(vsg))
        log.error(
          listener.params.nodes.VServerGroupId,
          'MissingDescribe',
          `listener ${key} forwards to VServer group ${vsg}, but no DescribeVServerGroupAttribute for ${vsg} was given`,
        );
      const msg = listener.params.get('MasterSlaveServerGroupId');
      if (typeof msg === 'string' && !this.msgs.has(msg))
        log.error(
          listener.params.nodes.MasterSlaveServerGroupId,
          'MissingDescribe',
          `listener ${key} forwards to primary/secondary server group ${msg}, but no DescribeMasterSlaveServerGroupAttribute for ${msg} was given`,
        );
      for (const rule of listener.rules) {
        const g = rule.params.get('VServerGroupId');
        if (typeof g === 'string' && !this.vsgs.has(g))
          log.error(
            rule.params.nodes.VServerGroupId,
            'MissingDescribe',
            `rule ${String(rule.params.get('RuleId'))} of listener ${key} forwards to VServer group ${g}, but no DescribeVServerGroupAttribute for ${g} was given`,
          );
      }
    }
    const reported = new Set<string>();
    for (const { lb } of this.lbs.values())
      for (const [holder, list] of [
        [`the default server group of ${lb.id}`, lb.defaultServers],
        ...lb.vServerGroups.map((g) => [`VServer group ${g.id}`, g.entries] as const),
        ...lb.masterSlaveGroups.map((g) => [`primary/secondary server group ${g.id}`, g.entries] as const),
      ] as const)
        for (const e of list) {
          const id = e.params.get('ServerId');
          if (typeof id !== 'string' || (e.params.get('Type') ?? 'ecs') !== 'ecs') continue;
          if (this.ecs.has(id) || reported.has(id)) continue;
          reported.add(id);
          log.error(
            e.params.nodes.ServerId,
            'MissingDescribe',
            `${holder} holds ECS ${id}, but no ECS DescribeInstances response lists ${id} (aliyun ecs DescribeInstances --InstanceIds '["${id}"]')`,
          );
        }
  }

  /** The inventory: the instances some group names (every one with `all`). */
  instances(all: boolean): ImportedInstance[] {
    const used = referencedInstances({ instances: [], loadBalancers: this.loadBalancerList() });
    const out: ImportedInstance[] = [];
    let left = 0;
    for (const [id, node] of this.ecs.map) {
      if (!all && !used.has(id)) {
        left++;
        continue;
      }
      const inst = readInstance(node, this.log);
      if (inst) out.push(inst);
    }
    if (left > 0)
      this.log.notice(
        `${left} ECS instance${left === 1 ? '' : 's'} no group names left out of the inventory (--all-instances keeps them)`,
      );
    return out;
  }

  loadBalancerList(): ImportedLoadBalancer[] {
    return [...this.lbs.values()].map((x) => x.lb);
  }
}

const GROUP_LISTS = [
  [
    'DescribeVServerGroups',
    'VServerGroups',
    'VServerGroup',
    'VServerGroupId',
    'DescribeVServerGroupAttribute',
  ],
  [
    'DescribeMasterSlaveServerGroups',
    'MasterSlaveServerGroups',
    'MasterSlaveServerGroup',
    'MasterSlaveServerGroupId',
    'DescribeMasterSlaveServerGroupAttribute',
  ],
] as const;

/** Read and join the responses in `paths` (files, or directories of `*.json`). */
export function readAliyun(
  paths: readonly string[],
  opts: AliyunImportOptions = {},
): { topology?: ImportedTopology; log: ImportLog; inputs: string[] } {
  const log = new ImportLog();
  const { byKind, inputs } = readResponses(paths, log);
  const a = new Assembly(log, byKind);
  a.inventory();
  a.loadBalancers();
  a.groups();
  a.listenerAttributes();
  a.listenerOrder();
  placeRules((k) => a.of(k), a.listeners, a.lbs, log);
  a.references();
  const loadBalancers = a.loadBalancerList();
  if (loadBalancers.length === 0 && !log.failed)
    log.error(
      new JsonNode(
        { file: paths.join(' '), value: undefined, map: SourceMap.empty(paths.join(' ')) },
        [],
        undefined,
      ),
      'NoInput',
      'no load balancer found: give a DescribeLoadBalancerAttribute response for each load balancer to import',
    );
  const instances = a.instances(opts.allInstances === true);
  if (log.failed) return { log, inputs };
  return { topology: { instances, loadBalancers }, log, inputs };
}

/** The load balancer and protocol of a listener attribute. */
function placeListener(
  given: DescribeResponse,
  port: number,
  lbs: ReadonlyMap<string, LoadBalancerRecord>,
  log: ImportLog,
): { info: LoadBalancerRecord; protocol: ListenerProtocol } | undefined {
  const node = given.node;
  const named = protocolInName(node.file, lbs.keys());
  const r: DescribeResponse = {
    ...given,
    protocol:
      given.protocol ??
      (named && (given.layer === undefined || layerOf(named) === given.layer) ? named : undefined),
  };
  const fits = (l: ListedListener) =>
    l.port === port &&
    (r.protocol === undefined || l.protocol === undefined || l.protocol === r.protocol) &&
    (r.layer === undefined || l.protocol === undefined || layerOf(l.protocol) === r.layer);
  let info: LoadBalancerRecord | undefined;
  const lbId = textValue(node.at('LoadBalancerId'), log);
  if (lbId !== undefined) {
    info = lbs.get(lbId);
    if (!info) {
      log.error(
        node.at('LoadBalancerId'),
        'MissingDescribe',
        `this listener belongs to ${lbId}, but no DescribeLoadBalancerAttribute for ${lbId} was given`,
      );
      return undefined;
    }
  } else {
    const named = pathNames(node.file, lbs.keys());
    if (named.length === 1) info = lbs.get(named[0]);
    else {
      const candidates = [...lbs.values()].filter((x) => x.listed?.some(fits));
      const what = `${listenerCall(r.protocol)} for port ${port}`;
      if (candidates.length === 1) info = candidates[0];
      else if (candidates.length === 0 && lbs.size === 1) info = [...lbs.values()][0];
      else if (candidates.length === 0) {
        log.error(
          node,
          'MissingDescribe',
          lbs.size === 0
            ? `${what}: no DescribeLoadBalancerAttribute was given, so its load balancer is unknown`
            : `${what}: no DescribeLoadBalancerAttribute given lists a listener on port ${port} (its load balancer is unknown; put its id in the file name)`,
        );
        return undefined;
      } else {
        log.error(
          node,
          'AmbiguousListener',
          `${what} names no LoadBalancerId, and ${candidates.map((c) => c.lb.id).join(', ')} all have such a listener: put the load balancer id in the file name (e.g. ${candidates[0].lb.id}.${r.protocol ?? 'http'}-${port}.json)`,
        );
        return undefined;
      }
    }
  }
  if (!info) return undefined;
  let protocol = r.protocol;
  if (protocol === undefined) {
    const listed = (info.listed ?? [])
      .filter(fits)
      .map((l) => l.protocol)
      .filter((p): p is ListenerProtocol => p !== undefined);
    const unique = [...new Set(listed)];
    if (unique.length === 1) protocol = unique[0];
    else {
      log.error(
        node,
        unique.length > 1 ? 'AmbiguousListener' : 'UnknownShape',
        `cannot tell which protocol this listener attribute of ${info.lb.id} port ${port} is${unique.length > 1 ? ` (${unique.join(' or ')})` : ''}: name the file after the call (DescribeLoadBalancerHTTPListenerAttribute, …) or give DescribeLoadBalancerAttribute with ListenerPortsAndProtocol`,
      );
      return undefined;
    }
  }
  return { info, protocol };
}

/** Attach each rule to its listener, with its full settings when DescribeRules or DescribeRuleAttribute gave them. */
function placeRules(
  of: (k: DescribeKind) => DescribeResponse[],
  listeners: ListenerIndex,
  lbs: ReadonlyMap<string, LoadBalancerRecord>,
  log: ImportLog,
): void {
  const l7 = [...listeners.entries()].filter(([, x]) => layerOf(x.listener.protocol) === 7);
  const full = new ById(log, 'rule');
  const placedBy = new Map<string, string>();
  const summaries = new Map<string, JsonNode>();
  const order: string[] = [];
  const place = (ruleId: string, key: string, node: JsonNode) => {
    const was = placedBy.get(ruleId);
    if (was !== undefined && was !== key) {
      log.error(node, 'Conflict', `rule ${ruleId} is placed on ${key} here, but on ${was} elsewhere`);
      return;
    }
    if (was === undefined) {
      placedBy.set(ruleId, key);
      order.push(ruleId);
    }
  };
  for (const [key, { node }] of l7)
    for (const item of unwrap(node.at('Rules'), 'Rule', log)) {
      const id = textValue(item.at('RuleId'), log);
      if (id === undefined) continue;
      summaries.set(id, item);
      place(id, key, item);
    }
  for (const r of of('DescribeRuleAttribute')) {
    const id = textValue(r.node.at('RuleId'), log);
    if (id === undefined) continue;
    full.add(id, r.node);
    const lbId = textValue(r.node.at('LoadBalancerId'), log);
    const port = intValue(r.node.at('ListenerPort'), log);
    if (lbId === undefined || port === undefined) continue;
    if (!lbs.has(lbId)) {
      log.error(
        r.node.at('LoadBalancerId'),
        'MissingDescribe',
        `rule ${id} belongs to ${lbId}, but no DescribeLoadBalancerAttribute for ${lbId} was given`,
      );
      continue;
    }
    const hit = l7.find(([, x]) => x.info.lb.id === lbId && x.listener.port === port);
    if (!hit) {
      log.error(
        r.node.at('ListenerPort'),
        'MissingDescribe',
        `rule ${id} belongs to ${lbId} port ${port}, but no DescribeLoadBalancerHTTPListenerAttribute or …HTTPSListenerAttribute for ${lbId} port ${port} was given`,
      );
      continue;
    }
    place(id, hit[0], r.node);
  }
  for (const r of of('DescribeRules')) {
    const items = unwrap(r.node.at('Rules'), 'Rule', log);
    const ids = items.map((item) => textValue(item.at('RuleId'), log));
    items.forEach((item, i) => {
      const id = ids[i];
      if (id !== undefined) full.add(id, item);
    });
    if (items.length === 0) continue;
    let key = ids.map((id) => (id === undefined ? undefined : placedBy.get(id))).find((k) => k !== undefined);
    if (key === undefined) {
      const named = pathNames(r.node.file, lbs.keys());
      const ports: string[] = (r.node.file.split('/').pop() ?? '').match(/\d+/g) ?? [];
      const onLb = l7.filter(([, x]) => named.includes(x.info.lb.id));
      const byPort = onLb.filter(([, x]) => ports.includes(String(x.listener.port)));
      if (byPort.length === 1) key = byPort[0][0];
      else if (onLb.length === 1) key = onLb[0][0];
      else if (named.length === 0 && l7.length === 1) key = l7[0][0];
    }
    if (key === undefined) {
      log.error(
        r.node,
        'MissingDescribe',
        `cannot tell which listener the rules of this DescribeRules response belong to (${ids.filter(Boolean).join(', ')}): give the listener's Describe…ListenerAttribute (it lists its rules) or DescribeRuleAttribute for a rule, or name the file after the listener (e.g. <LoadBalancerId>.rules-80.json)`,
      );
      continue;
    }
    items.forEach((item, i) => {
      const id = ids[i];
      if (id !== undefined) place(id, key, item);
    });
  }
  for (const id of order) {
    const key = placedBy.get(id) as string;
    const entry = listeners.get(key);
    if (!entry) continue;
    const fullNode = full.get(id);
    const summary = summaries.get(id);
    const node = fullNode ?? (summary as JsonNode);
    const kind =
      fullNode === undefined
        ? 'listener Rules'
        : fullNode.has('LoadBalancerId')
          ? 'DescribeRuleAttribute'
          : 'DescribeRules';
    const params = readRuleParams(
      node,
      kind === 'listener Rules' ? `${listenerCall(entry.listener.protocol)} Rules` : kind,
      log,
    );
    if (summary && fullNode)
      for (const k of ['RuleName', 'Domain', 'Url', 'VServerGroupId']) {
        const a = textValue(summary.at(k), log);
        const b = textValue(fullNode.at(k), log);
        if (a !== undefined && b !== undefined && a !== b)
          log.error(
            summary.at(k),
            'Conflict',
            `rule ${id}: the listener attribute says ${k} ${JSON.stringify(a)}, ${kind} (${fullNode.at(k).where()}) says ${JSON.stringify(b)}; give responses saved at the same time`,
          );
      }
    const rule: ImportedRule = { origin: { node, what: `${kind} ${id}` }, params };
    entry.listener.rules.push(rule);
  }
}

/** Import saved Describe* responses (files, or directories of `*.json`) into a scenario. */
export function importAliyun(paths: readonly string[], opts: AliyunImportOptions = {}): ImportResult {
  const { topology, log, inputs } = readAliyun(paths, opts);
  return finishImport(topology, log, {
    source: 'aliyun',
    inputs,
    name: opts.name ?? 'imported',
    description: `The topology of ${inputs.length} saved aliyun Describe* response${inputs.length === 1 ? '' : 's'}, as OpenAPI events.`,
  });
}
