/**
 * Backend server entries, shared by the default pool, VServer groups and primary/secondary groups:
 * reading a `BackendServers`-style list (≤ 20 entries per call), the identity of an entry, and the
 * checks against the ECS inventory and the load balancer (region, network type / VPC, running
 * state, ENI/ECI only on guaranteed-performance specs, the 200-backend quota).
 *
 * Identity: an ECS entry is its ServerId (plus Port in port-carrying groups); an ENI/ECI entry also
 * carries its ServerIp, since one ENI with several private IPs is given as several entries.
 */

import { PORT, WEIGHT } from './actions/action-context.js';
import { descriptionFormat, idFormat, ipv4Format } from './formats.js';
import { findInstance } from './lookup.js';
import { coerceEnum, ParamReader } from './params.js';
import { fail } from './reject.js';
import type {
  BackendType,
  DefaultBackendServer,
  EcsInstance,
  LoadBalancer,
  MasterSlaveBackend,
  ServerType,
  TopologyState,
  VServerBackend,
} from './types.js';

/** Entries per call (`TooManyBackendServers`). */
export const MAX_ENTRIES_PER_CALL = 20;
/** Distinct backend servers per load balancer (`slb_quota_backendservers_num`). */
export const MAX_BACKENDS_PER_LB = 200;

export type EntryKind = 'default' | 'vserver' | 'master-slave';
/** `add` entries get Weight 100 by default; `set` entries keep the existing weight when none is given. */
export type EntryMode = 'add' | 'set' | 'remove';

export interface EntryInput {
  /** API path of the entry, e.g. `BackendServers[3]`. */
  readonly path: string;
  readonly ServerId: string;
  readonly Port?: number;
  readonly Weight?: number;
  readonly Type: BackendType;
  readonly ServerIp?: string;
  readonly Description?: string;
  readonly ServerType?: ServerType;
}

const TYPES: readonly BackendType[] = ['ecs', 'eni', 'eci'];
const SERVER_TYPES: readonly ServerType[] = ['Master', 'Slave'];

const KEYS: Record<EntryKind, ReadonlySet<string>> = {
  default: new Set(['ServerId', 'Weight', 'Type', 'ServerIp', 'Description']),
  vserver: new Set(['ServerId', 'Port', 'Weight', 'Type', 'ServerIp', 'Description']),
  'master-slave': new Set(['ServerId', 'Port', 'Weight', 'Type', 'ServerIp', 'Description', 'ServerType']),
};

/** The server an entry names: ServerId, plus ServerIp for ENI/ECI entries. */
export function serverKey(e: { ServerId: string; Type: BackendType; ServerIp?: string }): string {
  return e.Type === 'ecs' ? e.ServerId : `${e.ServerId}|${e.ServerIp ?? ''}`;
}

/** An entry's identity within its group: the server, and the port where the group has ports. */
export function entryKey(e: {
  ServerId: string;
  Type: BackendType;
  ServerIp?: string;
  Port?: number;
}): string {
  return e.Port === undefined ? serverKey(e) : `${serverKey(e)}:${e.Port}`;
}

export function describeEntry(e: EntryInput): string {
  return e.Port === undefined ? e.ServerId : `${e.ServerId}:${e.Port}`;
}

/**
 * Read the list parameter `name` of kind `kind`. Returns undefined when the parameter is absent
 * and not `required`. An empty list is rejected (`BackendServersMalformed`) unless `allowEmpty`.
 */
export function readEntries(
  p: ParamReader,
  name: string,
  kind: EntryKind,
  mode: EntryMode,
  opts: { readonly required: boolean; readonly allowEmpty?: boolean },
): EntryInput[] | undefined {
  const list = opts.required
    ? p.reqList(name, 'BackendServersMalformed')
    : p.list(name, 'BackendServersMalformed');
  if (list === undefined) return undefined;
  if (list.length > MAX_ENTRIES_PER_CALL)
    fail(
      'TooManyBackendServers',
      `The total number of input real servers exceeds max supported number: ${MAX_ENTRIES_PER_CALL} (${p.path(name)} has ${list.length}).`,
      p.path(name),
    );
  if (list.length === 0 && !opts.allowEmpty)
    fail('BackendServersMalformed', `${p.path(name)} must hold at least one entry.`, p.path(name));
  return list.map((raw, i) =>
    readEntry(ParamReader.entry(raw, `${p.path(name)}[${i}]`, 'BackendServersMalformed'), kind, mode),
  );
}

function readEntry(e: ParamReader, kind: EntryKind, mode: EntryMode): EntryInput {
  const path = e.prefix.slice(0, -1);
  if (kind === 'default' && e.has('Port'))
    fail(
      'InvalidParameter',
      `${e.path('Port')}: entries of the default server pool have no port — every listener on the default pool uses its BackendServerPort; use a VServer group for per-server ports.`,
      e.path('Port'),
    );
  e.allow(KEYS[kind]);
  const ServerId = e.reqStr('ServerId', idFormat);
  const Type = e.oneOf('Type', TYPES, true) ?? 'ecs';
  const ServerIp = e.str('ServerIp', ipv4Format);
  if (Type !== 'ecs' && ServerIp === undefined && mode !== 'remove')
    e.missing('ServerIp', ` for a backend of Type ${Type}`);
  const Port = kind === 'default' ? undefined : e.reqInt('Port', PORT);
  const weight = e.int('Weight', WEIGHT);
  const Weight = weight ?? (mode === 'add' ? 100 : undefined);
  const Description = e.str('Description', descriptionFormat);
  const st = e.value('ServerType');
  const ServerType =
    kind === 'master-slave'
      ? st === undefined
        ? 'Master'
        : coerceEnum(st, e.path('ServerType'), SERVER_TYPES, true)
      : undefined;
  return { path, ServerId, Port, Weight, Type, ServerIp, Description, ServerType };
}

/** Reject an entry that appears twice in one call (same server, same port). */
export function rejectDuplicates(entries: readonly EntryInput[]): void {
  const seen = new Map<string, EntryInput>();
  for (const e of entries) {
    const k = entryKey(e);
    const first = seen.get(k);
    if (first)
      fail(
        'BackendServer.Duplicated',
        `${e.path} repeats ${describeEntry(e)} (already given as ${first.path}): the same server and port cannot be in a group twice.`,
        `${e.path}.ServerId`,
      );
    seen.set(k, e);
  }
}

/** Identical entries within one AddBackendServers call: the first is kept, the others dropped. */
export function dedupeFirst(entries: readonly EntryInput[]): EntryInput[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = entryKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function networkOf(i: EcsInstance): string {
  return i.NetworkType === 'vpc' ? `vpc:${i.VpcId}` : 'classic';
}

function networkName(n: string): string {
  return n === 'classic' ? 'the classic network' : `VPC ${n.slice(4)}`;
}

/** Every server entry of `lb`, in all its groups. */
function allEntries(lb: LoadBalancer): { ServerId: string; Type: BackendType; ServerIp?: string }[] {
  return [
    ...lb.BackendServers,
    ...lb.VServerGroups.flatMap((g) => g.BackendServers),
    ...lb.MasterSlaveServerGroups.flatMap((g) => g.MasterSlaveBackendServers),
  ];
}

/** The network all ECS backends of `lb` are in (a classic internet load balancer takes either, not both). */
function lbBackendNetwork(state: TopologyState, lb: LoadBalancer): string | undefined {
  for (const e of allEntries(lb)) {
    const inst = e.Type === 'ecs' ? findInstance(state, e.ServerId) : undefined;
    if (inst) return networkOf(inst);
  }
  return undefined;
}

/**
 * Check servers being added to `lb`: ECS entries must be in the inventory, running, in the load
 * balancer's region and in a network it accepts; ENI/ECI entries need a guaranteed-performance spec.
 */
export function checkServers(state: TopologyState, lb: LoadBalancer, entries: readonly EntryInput[]): void {
  let network = lbBackendNetwork(state, lb);
  for (const e of entries) {
    const at = `${e.path}.ServerId`;
    if (e.Type !== 'ecs') {
      if (lb.LoadBalancerSpec === undefined)
        fail(
          'InvalidParameter',
          `${e.path}.Type: ${e.Type.toUpperCase()} backends are supported only by guaranteed-performance load balancers; ${lb.LoadBalancerId} has no LoadBalancerSpec.`,
          `${e.path}.Type`,
        );
      continue;
    }
    const inst = findInstance(state, e.ServerId);
    if (!inst)
      fail(
        'ObtainIpFail',
        `The specified BackendServers is invalid; ECS instance ${e.ServerId} does not exist (add it to the inventory first).`,
        at,
      );
    if (inst.RegionId !== lb.RegionId)
      fail(
        'ObtainIpFail',
        `The specified BackendServers is invalid; ECS instance ${e.ServerId} is in region ${inst.RegionId}, but load balancer ${lb.LoadBalancerId} is in ${lb.RegionId}: backends must be in the load balancer's region.`,
        at,
      );
    if (inst.Status !== 'Running')
      fail(
        'ObtainIpFail',
        `The specified BackendServers is invalid; ECS instance ${e.ServerId} is not running (Status ${inst.Status}).`,
        at,
      );
    const net = networkOf(inst);
    if (lb.NetworkType === 'vpc') {
      if (inst.NetworkType !== 'vpc')
        fail(
          'InvalidParameter',
          `The specified load balancer does not support the network type of the ECS instance: ${lb.LoadBalancerId} is in VPC ${lb.VpcId}, ${e.ServerId} is in the classic network.`,
          at,
        );
      if (inst.VpcId !== lb.VpcId)
        fail(
          'InvalidBackendServers.Inconsistent',
          `All BackendServers on one Specified LoadBalancer have to be in the same vpc or all classic: ${lb.LoadBalancerId} is in VPC ${lb.VpcId}, ${e.ServerId} is in VPC ${inst.VpcId}.`,
          at,
        );
    } else if (lb.AddressType === 'intranet' && inst.NetworkType !== 'classic') {
      fail(
        'InvalidParameter',
        `The specified load balancer does not support the network type of the ECS instance: a classic-network intranet load balancer (${lb.LoadBalancerId}) accepts only classic ECS; ${e.ServerId} is in VPC ${inst.VpcId}.`,
        at,
      );
    } else if (network !== undefined && net !== network) {
      fail(
        'InvalidBackendServers.Inconsistent',
        `All BackendServers on one Specified LoadBalancer have to be in the same vpc or all classic: ${lb.LoadBalancerId} already has backends in ${networkName(network)}, ${e.ServerId} is in ${networkName(net)}.`,
        at,
      );
    }
    network ??= net;
  }
}

/** Reject when `lb` (after the change) has more than 200 distinct backend servers. */
export function checkQuota(lb: LoadBalancer, param: string): void {
  const servers = new Set(allEntries(lb).map(serverKey));
  if (servers.size > MAX_BACKENDS_PER_LB)
    fail(
      'QuotaExceeded.BackendServersNum',
      `Load balancer ${lb.LoadBalancerId} would have ${servers.size} distinct backend servers; the quota is ${MAX_BACKENDS_PER_LB}.`,
      param,
    );
}

function optional<T extends object>(base: T, extra: { ServerIp?: string; Description?: string }): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  if (extra.ServerIp !== undefined) out.ServerIp = extra.ServerIp;
  if (extra.Description !== undefined) out.Description = extra.Description;
  return out as T;
}

export function toDefaultServer(e: EntryInput): DefaultBackendServer {
  return optional({ ServerId: e.ServerId, Weight: e.Weight ?? 100, Type: e.Type }, e);
}

export function toVServerBackend(e: EntryInput): VServerBackend {
  return optional({ ServerId: e.ServerId, Port: e.Port ?? 0, Weight: e.Weight ?? 100, Type: e.Type }, e);
}

export function toMasterSlaveBackend(e: EntryInput): MasterSlaveBackend {
  return optional(
    {
      ServerId: e.ServerId,
      Port: e.Port ?? 0,
      Weight: e.Weight ?? 100,
      ServerType: e.ServerType ?? 'Master',
      Type: e.Type,
    },
    e,
  );
}

/** An existing entry updated by a `set` entry: only Weight and Description change. */
export function updated<T extends { Weight: number; Description?: string }>(entry: T, e: EntryInput): T {
  const out = { ...entry };
  if (e.Weight !== undefined) out.Weight = e.Weight;
  if (e.Description !== undefined) out.Description = e.Description;
  return out;
}

/**
 * Whether an existing entry is the one a set/remove entry names: same ServerId, same Port where the
 * group has ports, and the same ServerIp when the call gives one.
 */
export function names(entry: { ServerId: string; Port?: number; ServerIp?: string }, e: EntryInput): boolean {
  return (
    entry.ServerId === e.ServerId &&
    (e.Port === undefined || entry.Port === e.Port) &&
    (e.ServerIp === undefined || entry.ServerIp === e.ServerIp)
  );
}

/** Apply `set` entries to `entries`: each must name an existing entry (else `BackendServer.NotFound`). */
export function applySet<
  T extends { ServerId: string; Port?: number; ServerIp?: string; Weight: number; Description?: string },
>(entries: readonly T[], sets: readonly EntryInput[], where: string): T[] {
  const out = entries.slice();
  for (const e of sets) {
    let hit = false;
    for (let i = 0; i < out.length; i++)
      if (names(out[i], e)) {
        out[i] = updated(out[i], e);
        hit = true;
      }
    if (!hit)
      fail(
        'BackendServer.NotFound',
        `${e.path}: ${describeEntry(e)} is not in ${where}.`,
        `${e.path}.ServerId`,
      );
  }
  return out;
}

/** `entries` without those any remove entry names (entries named but absent are ignored). */
export function applyRemove<T extends { ServerId: string; Port?: number; ServerIp?: string }>(
  entries: readonly T[],
  removes: readonly EntryInput[],
): T[] {
  return entries.filter((x) => !removes.some((e) => names(x, e)));
}
